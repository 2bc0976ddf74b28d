"""The web pages, served by the bot's own process: the record page behind every mail, the
public verify page and the Mini App. aiohttp and jinja2, no build step; see server.py."""
