/*
 * Cards: what a product, commune or region popup (and the panel's detail) shows, built
 * from DOM nodes, never from HTML strings.
 */
import { el, safeUrl } from './dom.js';

export const cards = {
  productCard(item, compact) {
    var p = item.props, self = this, rows = [];
    function row(label, value, node) {
      if ((value == null || value === '') && !node) return;
      rows.push(el('dt', { text: label }), el('dd', null, [node || String(value)]));
    }
    var brands = item.brandTypes.map(function (b) { return self.label('bt_', b); }).join(', ');
    var stars = item.stars ? '★'.repeat(item.stars) + ' (' + item.stars + ' ' + this.msg('stars_suffix') + ')' +
      (p.ocop_year ? ', ' + this.msg('popup_year') + ' ' + p.ocop_year : '') : '';
    row(this.msg('popup_category'), this.label('cat_', p.category));
    row(this.msg('popup_brand_types'), brands);
    row(this.msg('popup_stars'), stars);
    if (p.ocop_status && p.ocop_status !== 'unknown') {
      // Said in words ("hết hạn" / "expired"), never by colour alone.
      row(this.msg('popup_certificate'), null, el('span', { className: 'bm-cert bm-cert-' + p.ocop_status }, [
        this.msg('cert_' + p.ocop_status),
        p.ocop_valid_until ? ' (' + this.msg('popup_valid_until') + ' ' + p.ocop_valid_until + ')' : null,
        p.ocop_decision ? ' · ' + this.msg('popup_decision') + ' ' + p.ocop_decision : null
      ]));
    }
    row(this.msg('popup_gi_number'), p.gi_number);
    row(this.msg('popup_producer'), p.producer ?
      p.producer + (p.producer_kind ? ' (' + this.label('pk_', p.producer_kind) + ')' : '') : null);
    row(this.msg('popup_commune'), p.commune_name);
    row(this.msg('popup_address'), p.address_published);
    row(this.msg('popup_value_chain'), this.label('vc_', p.value_chain));
    if (p.region) {
      var region = this.regions && this.regions.features.filter(function (f) { return f.properties.id === p.region; })[0];
      row(this.msg('popup_region'), region ? (this.config.lang === 'en' && region.properties.name_en ?
        region.properties.name_en : region.properties.name_vi) : p.region);
    }
    var contact = [];
    if (p.phone) contact.push(el('a', { href: 'tel:' + String(p.phone).replace(/[^0-9+]/g, ''), text: p.phone }));
    var website = p.website && safeUrl(/^https?:/i.test(p.website) ? p.website : 'https://' + p.website);
    if (website) {
      if (contact.length) contact.push(' · ');
      contact.push(el('a', { href: website, target: '_blank', rel: 'noopener noreferrer', text: p.website }));
    }
    if (contact.length) row(this.msg('popup_contact'), null, el('span', null, contact));
    var source = safeUrl(p.source_url);
    if (source || p.source_url) {
      var sourceNode = source ? el('a', { href: source, target: '_blank', rel: 'noopener noreferrer',
        text: new URL(source).hostname }) : el('span', { text: p.source_url });
      row(this.msg('popup_source'), null, el('span', null, [sourceNode,
        p.source_date ? ' (' + this.msg('popup_source_date') + ' ' + p.source_date + ')' : null]));
    }
    if (p.location_quality) row(this.msg('popup_location'), this.msg('location_quality_' + p.location_quality));
    var other = this.config.lang === 'en' ? p.name_vi : p.name_en;
    var description = this.config.lang === 'en' ? (p.description_en || p.description_vi) :
      (p.description_vi || p.description_en);
    return el('div', { className: 'bm-card', 'data-product-id': p.id }, [
      el('h3', { className: 'bm-card-title', text: item.name }),
      other && other !== item.name ? el('p', { className: 'bm-card-sub', lang: this.config.lang === 'en' ? 'vi' : 'en', text: other }) : null,
      description && !compact ? el('p', { className: 'bm-card-desc', text: description }) : null,
      el('dl', { className: 'bm-card-facts' }, rows),
      el('a', { className: 'bm-card-page', href: this.productPage(p.id), text: this.msg('page_link') })
    ]);
  },

  /** The product's own page (shareable, printable) in the map's language. */
  productPage(id) {
    var url = this.config.api.product_page + '/' + encodeURIComponent(id);
    return this.config.lang === 'en' ? url + '?lang=en' : url;
  },

  communeCard(f) {
    var p = f.properties, self = this;
    var area = p.area_km2 != null ? Number(p.area_km2).toLocaleString(this.config.lang === 'en' ? 'en' : 'vi', { maximumFractionDigits: 1 }) : null;
    var chain = this.chainByCommune && this.chainByCommune[p.code];
    return el('div', { className: 'bm-card' }, [
      el('h3', { className: 'bm-card-title', text: p.name }),
      el('p', { text: this.msg('commune_products', { n: p.product_count || 0 }) }),
      el('p', { text: this.msg('commune_ocop45', { n: p.ocop_4_5_count || 0 }) }),
      chain ? el('p', { text: this.msg('popup_value_chain') + ': ' + this.label('vc_', chain) }) : null,
      area ? el('p', { text: this.msg('commune_area', { a: area }) }) : null,
      el('button', { type: 'button', className: 'btn btn-sm btn-outline-primary', text: this.msg('filter_commune') + ': ' + p.name,
        onclick: function () { self.setFilter('commune', [p.code]); self.map.closePopup(); } })
    ]);
  },

  regionCard(f) {
    var p = f.properties, self = this;
    var name = this.config.lang === 'en' && p.name_en ? p.name_en : p.name_vi;
    var source = safeUrl(p.source_url);
    return el('div', { className: 'bm-card' }, [
      el('h3', { className: 'bm-card-title', text: name || p.id }),
      el('p', { text: this.msg('popup_value_chain') + ': ' + this.label('vc_', p.value_chain) }),
      el('p', { text: this.msg('region_communes', { n: (p.commune_codes || []).length }) + ' · ' +
        this.msg('commune_products', { n: p.product_count || 0 }) }),
      source ? el('p', null, [this.msg('popup_source') + ': ', el('a', { href: source, target: '_blank', rel: 'noopener noreferrer', text: new URL(source).hostname })]) : null,
      el('button', { type: 'button', className: 'btn btn-sm btn-outline-primary', text: this.msg('filter_region') + ': ' + (name || p.id),
        onclick: function () { self.setFilter('region', p.id); self.map.closePopup(); } })
    ]);
  }
};
