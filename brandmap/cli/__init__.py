"""The ``brandmap`` command line: thin commands that compose library calls.

The top of the flow: may import any layer; nothing imports it.
"""
