"""The catalogue of algorithms (post-quantum and the classical ones being retired) and parameter sets."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.models import TimeStamped, choices_check


class AlgorithmKind(models.TextChoices):
    KEM = "kem", "Key establishment (KEM)"
    SIGNATURE = "signature", "Signature"
    STATEFUL_SIGNATURE = "stateful_signature", "Stateful signature"


class AlgorithmQuerySet(models.QuerySet["Algorithm"]):
    def named(self, name: str) -> AlgorithmQuerySet:
        """The algorithm called ``name`` or known by it as an alias (national documents vary)."""
        return self.filter(Q(name__iexact=name) | Q(aliases__contains=[name]))


class Algorithm(TimeStamped):
    """One algorithm family as standardised (ML-KEM, SLH-DSA, RSA…), with its standard, that standard's
    own status word and date, and the NIST security categories it offers."""

    name = models.CharField(max_length=80, unique=True)
    aliases = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    family = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=20, choices=AlgorithmKind.choices)
    quantum_vulnerable = models.BooleanField(default=False, help_text="A classical scheme being retired.")
    standard = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=80, blank=True, help_text="The standard's own status word.")
    status_on = models.DateField(null=True, blank=True)
    status_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    security_categories = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    security_note = models.CharField(max_length=300, blank=True, help_text="Where categories do not apply.")
    parameter_sets_text = models.TextField(blank=True, help_text="The parameter sets as the source lists them.")
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    objects = AlgorithmQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_check("kind", AlgorithmKind, "algorithm_kind_valid"),
            choices_check("status_precision", DatePrecision, "algorithm_status_precision_valid"),
            models.CheckConstraint(
                condition=Q(security_categories__contained_by=[1, 2, 3, 4, 5]),
                name="algorithm_security_categories_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status_date(self) -> PartialDate | None:
        return partial(self.status_on, self.status_precision)


class ParameterSet(TimeStamped):
    """A concrete parameter set of an algorithm (ML-KEM-768), with its NIST security category where the
    standard fixes one."""

    algorithm = models.ForeignKey(Algorithm, on_delete=models.PROTECT, related_name="parameter_sets")
    name = models.CharField(max_length=80, unique=True)
    security_category = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["algorithm__name", "security_category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(security_category__isnull=True) | Q(security_category__gte=1, security_category__lte=5),
                name="parameter_set_category_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.name
