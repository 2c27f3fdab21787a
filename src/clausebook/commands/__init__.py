"""The commands (python -m clausebook ...): thin faces over the parts."""
