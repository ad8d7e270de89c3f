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
