"""Reading the editor's files: front matter, YAML, staging them for Sphinx, inside the handbook."""
