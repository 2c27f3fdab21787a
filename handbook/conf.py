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

# A note under a policy's version and dates (on its pages and its PDF), by folder name.
clausebook_details_notes = {
    "social-media": "The version, dates, owner and approval are recorded by this handbook: "
    "the Trust's original document does not state them.",
}

# Policies the social media policy names that this handbook does not hold yet, so a
# clause can refer to them ({policy}`disciplinary`). Add "url" where staff can read one.
# Added by Clausebook: the titles are as the social media policy names them.
clausebook_external_policies = {
    "code-of-conduct": {"title": "Code of conduct for employees"},
    "disciplinary": {"title": "Disciplinary policy and procedure"},
    "bullying-and-harassment": {"title": "Bullying and harassment policy"},
    "data-protection": {"title": "Data protection policy"},
    "data-security": {"title": "Data security policy"},
    "online-safety": {"title": "Online safety policy"},
    "online-safety-agreement": {"title": "Online Safety Acceptable Use Agreement"},
}

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
# A PNG drawn from favicon.svg (same picture): Chromium draws an SVG icon as a small document of
# its own on the page's main thread, fonts and all (traced: a task of 150-175 ms on a phone-like CPU,
# on a loaded machine).
html_favicon = "_static/favicon.png"
# A policy has no index of terms; its contents and the search page find things.
html_use_index = False
html_theme_options = {
    # No "edit this page" buttons: they would point outside the intranet.
    "top_of_page_buttons": [],
}
