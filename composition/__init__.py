"""The composition root: the one package that imports every app and wires them into one service.

App factory, route list, the ``passnum`` command, the demo loader, home pages and the admin
mount. Nothing imports it but entry points (``passnum`` script, uvicorn, tests).
"""
