"""Standards work: bodies, protocols, documents, and each document's status over time."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.timezone import localdate

from apps.algorithms.models import Algorithm, ParameterSet
from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.models import TimeStamped, choices_check


class Lifecycle(models.TextChoices):
    """The small common lifecycle every body's own status word maps onto (for the gap rules)."""

    DRAFT = "draft", "Draft"
    ADOPTED = "adopted", "Adopted"
    FINAL = "final", "Final"
    WITHDRAWN = "withdrawn", "Withdrawn"


LIFECYCLE_RANK: dict[str, int] = {Lifecycle.WITHDRAWN: 0, Lifecycle.DRAFT: 1, Lifecycle.ADOPTED: 2, Lifecycle.FINAL: 3}

# Each body's own status words, mapped onto the common lifecycle. An unknown word stops the loader rather
# than being guessed at.
STATUS_LIFECYCLE: dict[str, Lifecycle] = {
    "individual_draft": Lifecycle.DRAFT,
    "draft": Lifecycle.DRAFT,
    "rg_draft": Lifecycle.DRAFT,
    "in_development": Lifecycle.DRAFT,
    "wg_draft": Lifecycle.ADOPTED,
    "wg_last_call": Lifecycle.ADOPTED,
    "post_wglc_status_unconfirmed": Lifecycle.ADOPTED,
    "submitted_to_iesg": Lifecycle.ADOPTED,
    "ietf_last_call": Lifecycle.ADOPTED,
    "iesg_review": Lifecycle.ADOPTED,
    "rfc_editor_queue": Lifecycle.ADOPTED,
    "auth48": Lifecycle.ADOPTED,
    "auth48_rfc_number_assigned": Lifecycle.ADOPTED,
    "rfc": Lifecycle.FINAL,
    "published": Lifecycle.FINAL,
    "expired": Lifecycle.WITHDRAWN,
    "withdrawn": Lifecycle.WITHDRAWN,
}


class Hybrid(models.TextChoices):
    YES = "yes", "Hybrid"
    NO = "no", "Pure"
    BOTH = "both", "Both"


class StandardsBody(TimeStamped):
    """A standards development organisation (IETF, ITU-T, ETSI, ISO/IEC…)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "standards bodies"

    def __str__(self) -> str:
        return self.code


class Protocol(TimeStamped):
    """A protocol or format that must carry the algorithms (TLS, IKEv2, SSH, X.509…)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class WorkItemQuerySet(models.QuerySet["WorkItem"]):
    def with_status_on(self, day: date) -> WorkItemQuerySet:
        """Each item annotated with its status in force on ``day`` (``status_now``, ``lifecycle_now``,
        ``status_now_on``, ``status_now_precision`` and the row's ``status_now_id``; None when it has none
        yet), in the same query."""
        in_force = WorkItemStatus.objects.filter(work_item=models.OuterRef("pk")).dated_by(day).order_by(*NEWEST_FIRST)
        return self.annotate(
            **{
                f"{name}_now{suffix}": models.Subquery(in_force.values(column)[:1])
                for name, suffix, column in (
                    ("status", "", "status"),
                    ("lifecycle", "", "lifecycle"),
                    ("status", "_on", "status_on"),
                    ("status", "_precision", "status_precision"),
                    ("status", "_id", "id"),
                )
            }
        )

    def matching(
        self,
        *,
        body: StandardsBody | None = None,
        protocol: Protocol | None = None,
        algorithm: Algorithm | None = None,
        status: str = "",
        lifecycle: str = "",
        on: date | None = None,
    ) -> WorkItemQuerySet:
        """The items at ``body``, for ``protocol``, covering ``algorithm``, whose status in force on ``on``
        (default: today) is ``status`` (the body's own word) or at ``lifecycle``: each filter the API and the
        pages offer, written once. A filter left out (None or blank) does not narrow."""
        items = self
        if body is not None:
            items = items.filter(body=body)
        if protocol is not None:
            items = items.filter(protocol=protocol)
        if algorithm is not None:
            items = items.filter(algorithms=algorithm)
        if status or lifecycle:
            current = WorkItemStatus.objects.filter(pk__in=WorkItemStatus.objects.as_of(on or localdate()).values("pk"))
            if status:
                current = current.filter(status=status)
            if lifecycle:
                current = current.filter(lifecycle=lifecycle)
            items = items.filter(pk__in=current.values("work_item_id"))
        return items


class WorkItem(TimeStamped):
    """One document at one body for one protocol, the algorithms it covers, and whether it is hybrid.
    Its status lives in ``WorkItemStatus`` rows, never overwritten."""

    body = models.ForeignKey(StandardsBody, on_delete=models.PROTECT, related_name="work_items")
    identifier = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="work_items")
    protocol_label = models.CharField(max_length=40, blank=True, help_text="The protocol as the source names it.")
    algorithms = models.ManyToManyField("algorithms.Algorithm", blank=True, related_name="work_items")
    algorithms_text = models.TextField(blank=True, help_text="The algorithms as the source lists them.")
    hybrid = models.CharField(max_length=4, choices=Hybrid.choices, blank=True)
    expected_completion_on = models.DateField(null=True, blank=True)
    expected_completion_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        ordering = ["body__code", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["body", "identifier"], name="work_item_unique_per_body"),
            models.CheckConstraint(condition=Q(hybrid__in=[*Hybrid.values, ""]), name="work_item_hybrid_valid"),
            choices_check("expected_completion_precision", DatePrecision, "work_item_expected_precision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.body.code} {self.identifier}"

    @property
    def expected_completion(self) -> PartialDate | None:
        return partial(self.expected_completion_on, self.expected_completion_precision)

    @property
    def status_now_date(self) -> PartialDate | None:
        """The date of the status in force, on an item read ``with_status_on`` (None: undated, or none)."""
        on = getattr(self, "status_now_on", None)
        return partial(on, getattr(self, "status_now_precision", None) or DatePrecision.DAY)


#: Which of an item's statuses is in force: the latest dated one (an undated one only when none is dated),
#: and of two on the same date the one recorded last.
NEWEST_FIRST = (models.F("status_on").desc(nulls_last=True), "-recorded_at", "-id")


class WorkItemStatusQuerySet(models.QuerySet["WorkItemStatus"]):
    def dated_by(self, day: date) -> WorkItemStatusQuerySet:
        """The statuses reached by ``day`` (or undated): those that may be in force on it."""
        return self.filter(Q(status_on__lte=day) | Q(status_on__isnull=True))

    def as_of(self, day: date) -> WorkItemStatusQuerySet:
        """Each work item's status in force on ``day``: one row per item (PostgreSQL DISTINCT ON)."""
        return self.dated_by(day).order_by("work_item_id", *NEWEST_FIRST).distinct("work_item_id")


class WorkItemStatus(models.Model):
    """A work item's status from a date on, in the body's own words and mapped onto the common lifecycle."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.PROTECT, related_name="statuses")
    status = models.CharField(max_length=60)
    lifecycle = models.CharField(max_length=10, choices=Lifecycle.choices)
    status_on = models.DateField(null=True, blank=True)
    status_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = WorkItemStatusQuerySet.as_manager()

    class Meta:
        ordering = ["work_item_id", "-status_on", "-recorded_at"]
        verbose_name_plural = "work item statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["work_item", "status", "status_on"],
                nulls_distinct=False,
                name="work_item_status_unique",
            ),
            choices_check("lifecycle", Lifecycle, "work_item_status_lifecycle_valid"),
            choices_check("status_precision", DatePrecision, "work_item_status_precision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.status} ({self.status_date or 'undated'})"

    @property
    def status_date(self) -> PartialDate | None:
        return partial(self.status_on, self.status_precision)


class MechanismKind(models.TextChoices):
    KEY_ESTABLISHMENT = "key_establishment", "Key establishment"
    SIGNATURE = "signature", "Signature"


class MechanismQuerySet(models.QuerySet["Mechanism"]):
    def catalogue(self) -> MechanismQuerySet:
        """Mechanisms with everything a list or detail shows: protocol, components and defining work items."""
        return (
            self.select_related("protocol", "classical_algorithm")
            .prefetch_related(
                models.Prefetch("parameter_sets", queryset=ParameterSet.objects.order_by("name")),
                models.Prefetch("work_items", queryset=WorkItem.objects.select_related("body").order_by("identifier")),
            )
            .order_by("protocol__code", "kind", "name")
        )


class Mechanism(TimeStamped):
    """What travels on the wire: a TLS named group or signature scheme, an SSH key-exchange method, an
    IKEv2 transform, an X.509/CMS algorithm identifier. It combines post-quantum parameter sets (and, when
    hybrid, a classical component) and is defined by work items whose status history is its lifecycle.
    ``code_point`` is filled only where a source gives it; ``cited_row`` names the reference row it is
    derived from."""

    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="mechanisms")
    name = models.CharField(max_length=100, help_text="As the protocol spells it.")
    kind = models.CharField(max_length=20, choices=MechanismKind.choices)
    code_point = models.CharField(
        max_length=80, blank=True, help_text="Code point or OID, only where a source gives it; blank otherwise."
    )
    hybrid = models.BooleanField(default=False)
    classical_component = models.CharField(
        max_length=40, blank=True, help_text="The classical half of a hybrid (X25519, P-256, P-384, RSA, Ed25519…)."
    )
    classical_algorithm = models.ForeignKey(
        "algorithms.Algorithm", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    parameter_sets = models.ManyToManyField(ParameterSet, related_name="mechanisms")
    work_items = models.ManyToManyField(WorkItem, related_name="mechanisms")
    cited_row = models.CharField(max_length=300, help_text="The reference row it comes from (file: body identifier).")
    note = models.TextField(blank=True)

    objects = MechanismQuerySet.as_manager()

    class Meta:
        ordering = ["protocol_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "name"], name="mechanism_unique_per_protocol"),
            choices_check("kind", MechanismKind, "mechanism_kind_valid"),
            models.CheckConstraint(
                condition=Q(hybrid=True, classical_component__gt="")
                | Q(hybrid=False, classical_component="", classical_algorithm__isnull=True),
                name="mechanism_classical_component_iff_hybrid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.protocol.code} {self.name}"
