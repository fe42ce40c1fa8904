import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pqctrack.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # import the views now rather than on the first request  # noqa: B018
# Everything loaded so far lives as long as the process: move it out of the cycle collector's reach, so a
# full collection walks what requests left behind instead of the whole of Django and the apps (a pause of
# tens of milliseconds on every thread of the worker, the API's slowest answers).
gc.freeze()
