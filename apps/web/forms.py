"""Forms of the web UI. They parse input into the values the services take; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import DomainError, InvalidInput
from apps.gaps.evaluation import EvaluationDates, evaluation_dates
from apps.gaps.models import FindingStatus, Rule, Severity
from apps.nations.models import Coalition, Nation
from apps.positions.models import (
    ApprovalStatus,
    Declared,
    HybridPolicy,
    MilestoneKind,
    PqcStance,
    QkdStance,
    Scope,
)
from apps.reports.findings import SORTS
from apps.sources.models import SourceKind
from apps.sources.services import SourceCitation
from apps.standards.models import STATUS_LIFECYCLE, Lifecycle, MechanismKind, Protocol, StandardsBody


class PartialDateField(forms.Field):
    """A date as precise as the source gives it: ``2030``, ``2025-03`` or ``2024-08-13``."""

    widget = forms.TextInput(attrs={"maxlength": 10, "placeholder": "YYYY, YYYY-MM or YYYY-MM-DD", "size": 12})
    default_error_messages = {"invalid": "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "As precise as the source is: YYYY, YYYY-MM or YYYY-MM-DD.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, PartialDate) else value

    def to_python(self, value: Any) -> PartialDate | None:
        if isinstance(value, PartialDate):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return PartialDate.parse(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class SourceForm(forms.Form):
    """The citation every declaration must carry."""

    authority = forms.CharField(max_length=300, label="Issuing authority")
    document = forms.CharField(max_length=500, label="Document title")
    kind = forms.ChoiceField(
        choices=[("", "Choose…"), *((value, label) for value, label in SourceKind.choices if value)],
        label="Kind of source",
    )
    url = forms.URLField(max_length=600, label="URL", assume_scheme="https", help_text="Where you read the fact.")
    primary_url = forms.URLField(
        max_length=600,
        required=False,
        label="Official document",
        assume_scheme="https",
        help_text="The issuing body's own URL, if it differs; without one the claim rests on secondary pages.",
    )
    published = PartialDateField(label="Publication date")
    verified = forms.BooleanField(required=False, label="Confirmed in this source")

    def citation(self) -> SourceCitation:
        """The citation, for the declaring service (which stores it) or a preview (which does not)."""
        return SourceCitation(**self.cleaned_data)


class ReconfirmForm(forms.Form):
    """ "Still true as of today" on a claim; the kind is asked only of a source that does not say it."""

    kind = forms.ChoiceField(
        choices=[("", "Choose…"), *((value, label) for value, label in SourceKind.choices if value)],
        required=False,
        label="Kind of source",
    )


def _coalition_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Coalition.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label="Public",
        label="Releasability",
        help_text="Public, or releasable only to the members of one coalition.",
    )


class PositionForm(forms.Form):
    """A new declaration of a nation's stance for one scope."""

    scope = forms.ChoiceField(choices=Scope.choices)
    pqc_stance = forms.ChoiceField(choices=PqcStance.choices, label="PQC stance")
    qkd_stance = forms.ChoiceField(choices=QkdStance.choices, label="QKD stance")
    hybrid_policy = forms.ChoiceField(choices=HybridPolicy.choices)
    releasability = _coalition_field()
    declared = PartialDateField(label="Declared on")
    algorithms_named = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def position_fields(self) -> dict[str, Any]:
        """The keyword arguments ``position_declare`` takes, apart from nation, actor and source."""
        return dict(self.cleaned_data)


class ApprovalForm(forms.Form):
    """A nation's stance on one algorithm or parameter set."""

    algorithm = forms.ModelChoiceField(Algorithm.objects.order_by("name"), to_field_name="name")
    parameter_set = forms.ModelChoiceField(
        ParameterSet.objects.order_by("name"), required=False, to_field_name="name", empty_label="All parameter sets"
    )
    status = forms.ChoiceField(choices=ApprovalStatus.choices)
    scope = forms.ChoiceField(choices=Scope.choices)
    releasability = _coalition_field()
    declared = PartialDateField(label="Declared on")
    until = forms.DateField(required=False, help_text="Last day the status holds (YYYY-MM-DD), if the source says.")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MilestoneForm(forms.Form):
    """A dated national target."""

    kind = forms.ChoiceField(choices=MilestoneKind.choices)
    title = forms.CharField(max_length=300)
    target = PartialDateField(label="Target date")
    scope = forms.ChoiceField(choices=Scope.choices)
    scope_text = forms.CharField(max_length=300, required=False, label="Scope as the source words it")
    releasability = _coalition_field()
    declared = PartialDateField(label="Declared on")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


#: What a new declaration states for itself instead of starting from the one in force: its citation.
OWN_FIELDS = ("declared", "note")


def asked_identity(form_class: type[forms.Form], model: type[Declared], query: QueryDict) -> dict[str, Any] | None:
    """The identity (but the nation) that a declaration form's query string asks it to start from, read by the
    form's own fields (a part left out takes the model's default, as ``scope``); None if it names none."""
    identity: dict[str, Any] = {}
    for name in model.identity:
        if name == "nation":
            continue
        column: Any = model._meta.get_field(name)
        raw = query.get(name) or (column.default if column.has_default() else "")
        try:
            identity[name] = form_class.base_fields[name].clean(raw)
        except forms.ValidationError:
            return None
    return identity


def starting_values(
    form_class: type[forms.Form], model: type[Declared], record: Declared | None, identity: dict[str, Any]
) -> dict[str, Any]:
    """A declaration form's initial values: what ``record``, the one in force, says, so that an officer changes
    only what is new. With none in force: the identity asked for and the model's defaults (``undeclared``),
    never whatever choice comes first. The citation (``OWN_FIELDS``, the source) is the new one's own."""
    names = [name for name in form_class.base_fields if name not in OWN_FIELDS]
    if record is not None:
        return {name: getattr(record, name) for name in names}
    columns = {column.name: column for column in model._meta.concrete_fields}
    defaults = {n: columns[n].default for n in names if n in columns and columns[n].has_default()}
    return {**defaults, **identity}


class AcknowledgeForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WaiveForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(
        label="Waiver expires on", help_text="YYYY-MM-DD", widget=forms.DateInput(attrs={"type": "date"})
    )


class FindingFilterForm(forms.Form):
    """The filters of a findings list; the same query string drives its CSV and JSON exports."""

    coalition = forms.ModelChoiceField(
        Coalition.objects.order_by("code"), required=False, to_field_name="code", empty_label="Any coalition"
    )
    nation = forms.CharField(required=False, max_length=8, label="Nation code")
    other = forms.CharField(required=False, max_length=8, label="Paired with")
    rule = forms.ChoiceField(choices=[("", "Any rule"), *Rule.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "Any severity"), *Severity.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *FindingStatus.choices], required=False)
    protocol = forms.ModelChoiceField(
        Protocol.objects.order_by("code"), required=False, to_field_name="code", empty_label="Any protocol"
    )
    sort = forms.ChoiceField(choices=[(key, key.replace("_", " ")) for key in SORTS], required=False)


class AlgorithmForm(forms.Form):
    """An algorithm's description as the analyst brings it up to date (its name is its identity)."""

    kind = forms.ChoiceField(choices=AlgorithmKind.choices)
    family = forms.CharField(max_length=120, required=False)
    aliases = forms.CharField(max_length=800, required=False, help_text="Other names, comma-separated.")
    quantum_vulnerable = forms.BooleanField(required=False, label="Quantum-vulnerable (a classical scheme)")
    standard = forms.CharField(max_length=200, required=False)
    status = forms.CharField(max_length=80, required=False, label="Status of the standard", help_text="Its own word.")
    status_date = PartialDateField(required=False, label="Status date")
    security_categories = forms.TypedMultipleChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="NIST security categories",
    )
    security_note = forms.CharField(max_length=300, required=False, help_text="Where categories do not apply.")
    parameter_sets_text = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Parameter sets as the source lists them"
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_for(cls, algorithm: Algorithm) -> dict[str, Any]:
        """The algorithm as recorded, so that the analyst changes only what is new."""
        initial = {name: getattr(algorithm, name) for name in cls.base_fields}
        initial["aliases"] = ", ".join(algorithm.aliases)
        return initial

    def algorithm_fields(self) -> dict[str, Any]:
        """The keyword arguments ``algorithm_upsert`` takes, apart from name, actor and source."""
        data = dict(self.cleaned_data)
        data["aliases"] = [alias.strip() for alias in data["aliases"].split(",") if alias.strip()]
        day: PartialDate | None = data.pop("status_date")
        data["status_on"], data["status_precision"] = (day.value, day.precision) if day else (None, DatePrecision.DAY)
        return data


class ParameterSetForm(forms.Form):
    """A parameter set's NIST security category (where the standard fixes one) and note."""

    security_category = forms.TypedChoiceField(
        choices=[("", "Not fixed by the standard"), *((n, str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
        label="NIST security category",
    )
    note = forms.CharField(max_length=300, required=False)


#: A body's own status words, each with the lifecycle stage it maps onto.
STATUS_CHOICES = [(word, f"{word} ({STATUS_LIFECYCLE[word].label.lower()})") for word in sorted(STATUS_LIFECYCLE)]


class WorkItemFilterForm(forms.Form):
    """The filters of the work items list (``WorkItem.objects.matching`` reads them, as the API's do)."""

    body = forms.ModelChoiceField(
        StandardsBody.objects.order_by("code"), required=False, to_field_name="code", empty_label="Any body"
    )
    protocol = forms.ModelChoiceField(
        Protocol.objects.order_by("code"), required=False, to_field_name="code", empty_label="Any protocol"
    )
    status = forms.ChoiceField(choices=[("", "Any status"), *STATUS_CHOICES], required=False)
    lifecycle = forms.ChoiceField(choices=[("", "Any stage"), *Lifecycle.choices], required=False)


class WorkItemStatusForm(forms.Form):
    """A status a work item reached, in the body's own word, dated as precisely as its source says."""

    status = forms.ChoiceField(choices=[("", "Choose…"), *STATUS_CHOICES], help_text="The body's own word.")
    on = PartialDateField(label="Status date")


class CoalitionPickForm(forms.Form):
    coalition = forms.ModelChoiceField(Coalition.objects.order_by("code"), to_field_name="code")


class _ReadChoices(forms.models.ModelChoiceIterator):
    """The options of a ``ShortModelChoiceField``: its rows as read once (no server-side cursor)."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over a short list (coalitions, protocols): its rows are read once per form, in
    one plain query that both the validation and the select's options use, instead of a lookup for the
    value and a server-side cursor (DECLARE ... WITH HOLD, FETCH, CLOSE) for the options. The same answers:
    the value must match ``to_field_name`` of one of the rows exactly."""

    iterator = _ReadChoices

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key, rows = self.to_field_name or "pk", self.queryset
        assert rows is not None
        if isinstance(value, rows.model):
            value = getattr(value, key)
        for obj in rows:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class CommonGroundForm(forms.Form):
    """The common-ground report's question: a coalition (or nations), a protocol, a kind. Its dates come from
    the date switch (``DateSwitchForm``), as on the other report pages."""

    coalition = ShortModelChoiceField(Coalition.objects.order_by("code"), to_field_name="code", required=False)
    nations = forms.CharField(required=False, max_length=400, help_text="Nation codes, comma-separated.")
    protocol = ShortModelChoiceField(
        Protocol.objects.filter(mechanisms__isnull=False).distinct().order_by("code"), to_field_name="code"
    )
    kind = forms.ChoiceField(choices=MechanismKind.choices, required=False)
    scope = forms.ChoiceField(choices=Scope.choices, required=False)
    drafts = forms.BooleanField(label="Include draft standards", required=False)

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or MechanismKind.KEY_ESTABLISHMENT

    def clean_scope(self) -> str:
        return self.cleaned_data["scope"] or Scope.ALL

    def clean_nations(self) -> list[Nation]:
        try:
            return Nation.objects.listed(self.cleaned_data["nations"])
        except InvalidInput as error:
            raise forms.ValidationError(error.message) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("coalition") and not data.get("nations") and not self.errors:
            raise forms.ValidationError("Choose a coalition or name some nations.")
        return data


class SinceForm(forms.Form):
    since = forms.DateField(label="Changed since", widget=forms.DateInput(attrs={"type": "date"}))


class DateSwitchForm(forms.Form):
    """The date switch of the report pages: the gaps on a day, optionally as known on another. The text is
    read by ``evaluation_dates``, as the API reads its query string."""

    as_of = forms.CharField(
        required=False, label="Gaps on", widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01"})
    )
    known_at = forms.CharField(
        required=False, label="As known on", widget=forms.DateInput(attrs={"type": "date", "min": "2000-01-01"})
    )
    dates: EvaluationDates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.dates = evaluation_dates(data.get("as_of"), data.get("known_at"))
        except InvalidInput as error:
            add_domain_error(self, error)
        return data


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the form: each field it names on that field, the rest above the form."""
    errors = error.errors if isinstance(error, InvalidInput) else {}
    if not errors:
        form.add_error(None, error.message)
        return
    for name, messages in errors.items():
        field = name if name in form.fields else name.removesuffix("_on").removesuffix("_precision")
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
