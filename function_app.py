"""Composition only: the Functions app and its blueprints."""

import azure.durable_functions as df
import azure.functions as func

from functions import api, archive, notifications, suggestions, timesheets, travel

app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
app.register_functions(archive.bp)
app.register_functions(api.bp)
app.register_functions(notifications.bp)
app.register_functions(timesheets.bp)
app.register_functions(suggestions.bp)
app.register_functions(travel.bp)
