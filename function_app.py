"""Composition only: the Functions app and its blueprints."""

import azure.durable_functions as df
import azure.functions as func

from functions import archive

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(archive.bp)
