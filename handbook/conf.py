"""Sphinx settings for the Agora Learning Partnership staff handbook.

Editors rarely need to change this file. Every ``clausebook_*`` setting is
explained in the editors' guide (editors.md).
"""

project = "Agora Learning Partnership staff handbook"
author = "Agora Learning Partnership"
copyright = "Agora Learning Partnership"
language = "en"

extensions = ["clausebook.sphinxext"]

# The organisation that owns the policies.
clausebook_organisation = "Agora Learning Partnership"

# The Trust's schools, for a school's own edition of the PDF (make pdf SCHOOL="...").
# Added by Clausebook as examples: the policy names no schools. Replace them with
# the Trust's own.
clausebook_schools = [
    "Agora Primary Academy",
    "Agora Secondary Academy",
]

# The address the site is published at. When set, the PDF links each clause number
# to its permanent link online. Leave empty until the site has an address.
clausebook_site_url = ""

# Where staff report an accessibility problem or ask for a policy in another format, as
# the accessibility statement says. Until an address is set the statement sends them to
# their school office, and each build reminds you.
clausebook_accessibility_email = ""
clausebook_accessibility_phone = ""

html_theme = "furo"
html_title = "Agora Learning Partnership staff handbook"
templates_path = ["../templates"]
# The Markdown sources are the editors' working files, not part of the site.
html_copy_source = False
html_show_sourcelink = False
html_permalinks_icon = "#"
html_static_path = ["_static"]
html_favicon = "_static/favicon.svg"
# A policy has no index of terms; its contents and the search page find things.
html_use_index = False
html_theme_options = {
    # No "edit this page" buttons: they would point outside the intranet.
    "top_of_page_buttons": [],
}
