"""The application layer: one module per user task, Streamlit-free, returning typed (frozen) results.

pages/ call exactly one function of this package per user action and render what it returns; this
package composes gis/ (geo logic) and layers/ (how things look), checks roles, writes the audit trail
and keeps the bounded caches. It never imports Streamlit.
"""
