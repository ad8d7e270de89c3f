from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.defaults import page_not_found


class VietnameseByDefaultMiddleware:
    """The portal speaks Vietnamese unless the user picks English (language cookie).

    Office PCs often run an English browser; its Accept-Language header must not switch the
    interface, so it is ignored before Django's LocaleMiddleware reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PrivateNoStoreMiddleware:
    """Every answer to a signed-in user — pages, exports, downloaded files — carries
    ``Cache-Control: private, no-store``: a shared proxy or the browser's disk cache must not keep
    a copy of a petitioner's data after the office PC is used by someone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class NotFoundPageMiddleware:
    """The portal's Vietnamese 404 page even with ``DEBUG`` on (``make run``'s default): a
    newcomer who opens another unit's petition, or a mistyped address, never meets Django's
    English technical page. ``DEBUG_TECHNICAL_404=true`` brings that page back for developers.
    Without ``DEBUG`` Django already renders ``templates/404.html``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_404", False)

    def __call__(self, request):
        response = self.get_response(request)
        # No URL matched: the resolver's 404 never reaches ``process_exception``.
        if (
            response.status_code == 404
            and self._active()
            and getattr(request, "resolver_match", None) is None
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._active():
            return page_not_found(request, exception)
        return None
