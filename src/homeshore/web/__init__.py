"""The web pages of the live platform: agent desktop, supervisor console, readiness check.

Templates and static files (CSS, JavaScript modules, no build step, nothing from a CDN) are
package data; :mod:`homeshore.web.i18n` holds the French and English texts and
:mod:`homeshore.web.views` the page snapshots. The routes live in
:mod:`homeshore.api.routes.pages` and :mod:`homeshore.api.routes.probe`.
"""
