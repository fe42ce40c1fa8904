from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.accounts.signin import mark_session_active

        user_logged_in.connect(mark_session_active, dispatch_uid="pqctrack-idle-clock")
