extensions = ["clausebook.sphinxext"]
clausebook_organisation = "Test Trust"
clausebook_today = "2025-01-01"
html_theme = "basic"
clausebook_accessibility_email = "policies@test-trust.example"
