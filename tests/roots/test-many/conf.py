# Three policies that refer to each other and to one the handbook does not hold.
extensions = ["clausebook.sphinxext"]
clausebook_organisation = "Example Academies"
clausebook_today = "2025-03-01"
clausebook_details_notes = {"social-media": "Dates recorded by the handbook (a test note)."}
clausebook_external_policies = {
    "disciplinary": {"title": "Disciplinary policy and procedure", "url": "https://example.org/disciplinary"},
    "whistleblowing": {"title": "Whistleblowing policy"},
}
html_theme = "basic"
templates_path = ["_templates"]
