"""The live exercise: the engine paced to the wall clock with operators in the loop, served to web consoles.

``session.py`` runs the replication and takes the consoles' commands; ``view.py`` builds what each
console sees; ``app.py`` serves the consoles (Starlette on uvicorn, WebSockets for the push).
"""
