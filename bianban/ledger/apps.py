from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "bianban.ledger"
    label = "ledger"
    verbose_name = "问题台账"
