"""Shapes of the API (input and public output), distinct from the database rows."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from homeshore.domain import Channel, WorkMode

NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
Id = Annotated[int, Field(ge=1, le=2**62)]


#: every request shape: no unknown field, no NaN or infinity in a number
IN_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


class _In(BaseModel):
    model_config = IN_CONFIG


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# -- auth and users ---------------------------------------------------------------------


class LoginIn(_In):
    username: Name
    password: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL)]


class MeOut(_Out):
    user_id: int
    username: str
    role: Literal["admin", "supervisor", "agent"]
    agent_id: str | None
    team_ids: list[str]


class LoginOut(BaseModel):
    token: str
    expires_at: dt.datetime
    user: MeOut


class UserIn(_In):
    username: Name
    password: Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=NO_NUL)]
    role: Literal["admin", "supervisor", "agent"]
    agent_id: Name | None = None
    team_ids: list[Name] = Field(default_factory=list, max_length=50)


class UserPatch(_In):
    """What an administrator changes on an account: at least one of the two."""

    active: bool | None = Field(
        None, description="false disables the account and ends its sessions at once"
    )
    password: (
        Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=NO_NUL)] | None
    ) = Field(None, description="a new password; the account's sessions end")


class UserOut(_Out):
    id: int
    username: str
    role: str
    agent_id: str | None
    active: bool


# -- contacts ---------------------------------------------------------------------------


class ContactIn(_In):
    queue_id: Name
    channel: Channel | None = None
    priority: Annotated[int, Field(ge=0, le=9)] = 0
    customer_ref: Ref
    external_id: Name | None = Field(
        None, description="the caller's id for this contact: a retry with it creates nothing"
    )


class ContactOut(_Out):
    id: int
    external_id: str | None
    queue_id: str
    channel: str
    priority: int
    customer_ref: str
    state: Literal["queued", "offered", "active", "wrap_up", "completed", "abandoned"]
    agent_id: str | None
    handler_user_id: int | None
    created_at: dt.datetime
    offered_at: dt.datetime | None
    offer_deadline: dt.datetime | None
    answered_at: dt.datetime | None
    ended_at: dt.datetime | None
    closed_at: dt.datetime | None
    wait_s: float | None
    disposition: str | None
    offers: int
    transfers: int
    escalated: bool
    location: str | None = None
    setup: str | None = None
    csat: int | None = None
    csat_at: dt.datetime | None = None
    csat_source: str | None = None
    callback_of: int | None = None


class WrapUpIn(_In):
    disposition: Name
    next_state: Literal["available", "break", "training", "offline"] = "available"


class TransferIn(_In):
    to_queue: Name | None = None
    to_agent: Name | None = None


class EscalateIn(_In):
    note: Body


# -- agents -----------------------------------------------------------------------------


class StateIn(_In):
    state: Literal["available", "break", "training", "offline"]
    location: WorkMode | None = None
    reason: Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)] = ""


class AgentOut(BaseModel):
    id: str
    name: str
    team_id: str
    state: str
    state_since: dt.datetime | None
    state_reason: str
    location: str | None
    readiness: str
    connected: bool
    contacts: list[int]
    scheduled_activity: str | None


# -- chat -------------------------------------------------------------------------------


class MessageIn(_In):
    body: Body


class MessageOut(_Out):
    id: int
    conversation_id: int
    sender: str
    sender_user_id: int | None
    body: str
    created_at: dt.datetime


class ConversationOut(_Out):
    id: int
    kind: str
    contact_id: int
    agent_id: str | None
    team_id: str | None
    manager_user_id: int | None
    state: str
    created_at: dt.datetime


# -- readiness --------------------------------------------------------------------------


class SampleIn(_In):
    rtt_ms: Annotated[float, Field(ge=0, le=60_000)]
    jitter_ms: Annotated[float, Field(ge=0, le=60_000)]
    loss_pct: Annotated[float, Field(ge=0, le=100)]


#: the internet access an advisor declares at the readiness check (homeshore.readiness.setup)
Access = Literal["fibre", "dsl", "cable", "mobile", "satellite", "other"]


class ReadinessIn(_In):
    samples: list[SampleIn] = Field(min_length=1, max_length=120)
    bandwidth_kbps: Annotated[float, Field(ge=0, le=10_000_000)] | None = None
    wired: bool | None = None
    usb_headset: bool | None = None
    access: Access | None = None
    vpn: bool | None = None


class ReadinessOut(_Out):
    id: int
    agent_id: str
    at: dt.datetime
    verdict: Literal["pass", "warn", "fail"]
    r_factor: float
    mos: float
    reasons: list[str]
    path: Literal["media", "websocket"] | None = None
    #: measured: by the server (what may let an advisor work from home); reported: only
    #: figures a client sent (POST /api/readiness); None: stored before checks said so
    source: Literal["measured", "reported"] | None = None


# -- quality ---------------------------------------------------------------------------

QuestionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL)]


class EvaluationIn(_In):
    form_id: Name
    #: every question of the form: met, partly, not_met or na
    ratings: dict[QuestionId, Literal["met", "partly", "not_met", "na"]] = Field(max_length=200)
    comment: Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)] = ""


class EvaluationOut(_Out):
    id: int
    contact_id: int
    agent_id: str
    team_id: str
    queue_id: str
    channel: str
    form_id: str
    evaluator_user_id: int
    at: dt.datetime
    ratings: dict[str, str]
    comment: str
    score_pct: float | None
    critical_failed: list[str]
    sections: dict[str, float | None]
    passed: bool | None
    location: str | None
    setup: str | None


class SatisfactionIn(_In):
    csat: Annotated[int, Field(ge=1, le=5)]
    source: Literal["ivr", "web", "sms", "email"]


class QuestionOut(_Out):
    id: str
    text: str
    weight: float
    critical: bool


class SectionOut(_Out):
    name: str
    questions: list[QuestionOut]


class EvaluationFormOut(_Out):
    id: str
    name: str
    channels: list[str]
    pass_pct: float
    sections: list[SectionOut]


class QualityGroupOut(_Out):
    group: str
    period: str
    evaluations: int
    score_mean_pct: float | None
    pass_rate: float | None
    critical_failures: int
    csat_responses: int
    csat_mean: float | None
    csat_satisfied_share: float | None


class RecordingOut(_Out):
    id: int
    contact_id: int
    agent_id: str
    team_id: str
    queue_id: str
    duration_s: float
    created_at: dt.datetime
    expires_at: dt.datetime


# -- metrics and events -----------------------------------------------------------------


class QueueKpisOut(_Out):
    queue_id: str
    waiting: int
    oldest_wait_s: float
    offered_today: int
    answered_today: int
    abandoned_today: int
    service_level: float | None
    threshold_s: float
    asa_s: float | None
    abandon_rate: float | None


class AgentKpisOut(_Out):
    agent_id: str
    team_id: str
    state: str
    time_in_state_s: float
    contacts_in_hand: int
    occupancy_today: float | None
    scheduled_activity: str | None
    in_adherence: bool | None
    adherence_today: float | None
    location_as_scheduled: bool | None


class EventOut(BaseModel):
    id: int
    at: dt.datetime
    type: str
    data: dict[str, object]
    agent_id: str | None
    team_id: str | None
    queue_id: str | None
    contact_id: int | None
    user_id: int | None
    actor_user_id: int | None


class AuditOut(_Out):
    """An entry of the audit trail (``address`` and ``user_agent`` null when hidden from
    the reader)."""

    id: int
    at: dt.datetime
    actor_user_id: int | None
    actor: str
    action: str
    subject_user_id: int | None
    subject_agent_id: str | None
    detail: dict[str, object]
    address: str | None
    user_agent: str | None


class ErrorItemOut(BaseModel):
    loc: list[str | int] = Field(description="where: body, query, path... then the field")
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every refusal: the reason in plain words and the field it is about, if one."""

    detail: str = Field(description="why the request was refused")
    field: str | None = Field(default=None, description="the input field at fault, if any")
    errors: list[ErrorItemOut] | None = Field(
        default=None, description="invalid input (422): each error, never the value sent"
    )
    error_count: int | None = Field(default=None, description="invalid input: how many errors")


# -- voice (Kamailio's reports, the advisor's softphone) ----------------------------------

SipToken = Annotated[str, StringConstraints(min_length=1, max_length=256, pattern=NO_NUL)]


class VoiceEventIn(_In):
    """A step of a call, reported by Kamailio (docs/voice.md)."""

    event: Literal[
        "call.new",
        "call.outbound",
        "call.answered",
        "call.cancel",
        "call.end",
        "call.failed",
        "call.dropped",
    ]
    call_id: SipToken
    dialled: Annotated[str, StringConstraints(max_length=256, pattern=NO_NUL)] = ""
    caller: Annotated[str, StringConstraints(max_length=256, pattern=NO_NUL)] = ""
    from_tag: Annotated[str, StringConstraints(max_length=256, pattern=NO_NUL)] = ""
    to_tag: Annotated[str, StringConstraints(max_length=256, pattern=NO_NUL)] = ""
    by: Literal["caller", "agent", ""] = ""
    code: Annotated[int, Field(ge=0, le=999)] = 0
    reason: Literal["softphone_closed", ""] = ""


class VoiceEventOut(BaseModel):
    """``action`` answers call.new (queue, or refuse with the SIP ``code`` the caller
    gets) and call.outbound (dial ``number``, or refuse); ``result`` says what became of
    the call's contact."""

    action: Literal["queue", "dial", "refuse", "none"] = "none"
    code: int | None = None
    contact_id: int | None = None
    number: str | None = None
    result: str = ""
    reason: str = ""


class CallbackOut(BaseModel):
    """The call to a customer an advisor starts: its contact, and what the softphone dials
    (the platform's SIP server names the customer's number itself)."""

    contact: ContactOut
    target: str


class CallbackRow(BaseModel):
    """A contact to call back: the customer, the queue and when it closed."""

    contact_id: int
    customer_ref: str
    queue_id: str
    agent_id: str | None
    closed_at: dt.datetime | None
    disposition: str


class OnOffIn(_In):
    """A switch: hold, barge."""

    on: bool


class CallQualityIn(_In):
    """What the advisor's browser measured of the call over the last few seconds."""

    rtt_ms: Annotated[float, Field(ge=0, le=60_000)]
    jitter_ms: Annotated[float, Field(ge=0, le=60_000)]
    loss_pct: Annotated[float, Field(ge=0, le=100)]


class CallQualityOut(BaseModel):
    r: float
    mos: float


class SoftphoneOut(BaseModel):
    """What the advisor's browser registers with (SIP over WebSocket)."""

    ws_url: str
    uri: str
    username: str
    password: str
    expires_at: dt.datetime
    ice_servers: list[str]


class ListenOut(BaseModel):
    """A manager's listening to a call: its session and an SDP offer per party (``caller``,
    ``advisor``) for the browser to answer receive-only."""

    session: str
    offers: dict[str, str]
    ice_servers: list[str]


class SdpIn(_In):
    """The browser's SDP answer."""

    sdp: Annotated[str, StringConstraints(min_length=10, max_length=20_000, pattern=NO_NUL)]


class EchoOut(BaseModel):
    """A readiness echo through the media relay: its session and the relay's answer."""

    session: str
    sdp: str
    ice_servers: list[str]


class SdpOut(BaseModel):
    """The media relay's SDP (an offer or an answer) for a browser."""

    sdp: str
    ice_servers: list[str]


class CallQualityRow(BaseModel):
    contact_id: int
    agent_id: str
    samples: int
    mean_mos: float
    min_mos: float
    low_samples: int
    first_at: dt.datetime
    last_at: dt.datetime
    location: str  # site, telecentre or home ("" before this was recorded)
    setup: str  # from home: the set-up declared at the last readiness check


class SetUpQuality(BaseModel):
    """One way of working's calls on a day: a location, and from home a set-up (e.g.
    ``wired,usb_headset,fibre,no_vpn``; ``?`` where the advisor did not say)."""

    location: str
    setup: str
    advisors: int
    calls: int
    samples: int
    mean_mos: float
    min_mos: float
    low_calls: int


class AdvisorQuality(BaseModel):
    agent_id: str
    calls: int
    samples: int
    mean_mos: float  # over all samples of the day
    min_mos: float
    low_calls: int  # calls with at least one sample below the threshold


class QualityReportOut(BaseModel):
    """Calls' quality on a day, per call and per advisor (samples from the desks)."""

    day: dt.date
    low_mos: float
    calls: list[CallQualityRow]
    advisors: list[AdvisorQuality]
    setups: list[SetUpQuality]
