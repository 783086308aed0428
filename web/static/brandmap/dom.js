/*
 * Building the page's elements safely.
 *
 * Safety rule: data never goes through innerHTML. Every text from the API is written with
 * textContent (or as an attribute value), so a product name like <img onerror=...> is
 * shown as text.
 */
/** A new element: `text` becomes its textContent, `on…` keys event listeners. */
export function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value == null || value === false) return;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'className') node.className = value;
      else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    });
  }
  (children || []).forEach(function (child) {
    if (child == null || child === false) return;
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  });
  return node;
}

/** The URL if it is http(s), else null (no javascript: links from the data). */
export function safeUrl(url) {
  try {
    var parsed = new URL(String(url), window.location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch (e) {
    return null;
  }
}

export function htmlToText(html) {
  // Attribution settings may hold entities (&copy;); an inert document decodes them.
  return new DOMParser().parseFromString(String(html || ''), 'text/html').body.textContent;
}

/** Text made safe for the few Leaflet APIs that only take HTML (attributions). */
export function escapeHtml(text) {
  var div = document.createElement('div');
  div.textContent = String(text);
  return div.innerHTML;
}
