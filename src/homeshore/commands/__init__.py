"""One module per `homeshore` sub-command; each defines `register(app: typer.Typer)`."""
