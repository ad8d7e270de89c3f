from django.utils.cache import patch_cache_control


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
