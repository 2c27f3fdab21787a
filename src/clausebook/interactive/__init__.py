"""The guidance engine: quizzes and decision trees, standard library only (it runs on Pyodide)."""
