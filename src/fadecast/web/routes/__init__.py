"""The web app's routes: the calculator's pages and the public API."""
