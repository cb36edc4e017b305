"""Settings of the live platform, read from HOMESHORE_* environment variables."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from homeshore.voice.media_watch import MEDIA_SILENCE_S


class Settings(BaseSettings):
    """Everything `homeshore serve` needs. Each field is HOMESHORE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="HOMESHORE_", extra="ignore")

    database_url: str = "sqlite:///homeshore.db"
    events_url: str = "memory://"
    # session tokens are stored as HMAC-SHA256(secret_key, token): a copy of the sessions
    # table is useless without it. Unset: plain SHA-256 (tokens are random 256-bit values).
    # Every server process of one deployment must share the same value.
    secret_key: SecretStr | None = None
    session_ttl_s: float = Field(12 * 3600.0, gt=0)
    # pages of other origins (scheme://host[:port]) whose browsers may open the websockets;
    # the server's own origin always may (docs/api.md, websocket close code 4403)
    allowed_origins: tuple[str, ...] = ()
    # X-Forwarded-For/-Proto are believed only from these proxies (addresses or networks,
    # a.b.c.d/n); empty: from no one, the connecting address is the client's (docs/live.md)
    trusted_proxies: tuple[str, ...] = ()
    # failed logins allowed in a sliding window: per account (whatever the address), per
    # address (whatever the account) and for the whole server; then 429 until the window moves
    login_max_attempts: int = Field(5, ge=1)
    login_window_s: float = Field(60.0, gt=0)
    login_address_max_attempts: int = Field(20, ge=1)
    login_address_window_s: float = Field(60.0, gt=0)
    login_global_max_attempts: int = Field(100, ge=1)
    login_global_window_s: float = Field(60.0, gt=0)
    # password checks running at once, and logins allowed to wait for one (more: 503 at once)
    login_hash_concurrency: int = Field(2, ge=1)
    login_max_waiting: int = Field(8, ge=0)
    # the largest request body or websocket message a route accepts unless it needs more
    # (homeshore.api.limits); larger ones are answered 413, or closed with 1009
    max_body_bytes: int = Field(64 * 1024, ge=1024, le=64 * 1024 * 1024)
    # argon2id cost of password hashes (argon2-cffi defaults; tests lower them)
    password_time_cost: int = Field(3, ge=1)
    password_memory_kib: int = Field(65536, ge=8)
    # routing and presence
    offer_timeout_s: float = Field(15.0, gt=0)
    heartbeat_s: float = Field(5.0, gt=0)
    disconnect_after_s: float = Field(10.0, gt=0)
    tick_s: float = Field(0.5, gt=0)
    # use cases arriving together share one commit (answers wait for it)
    group_commit: bool = True
    # several processes on one PostgreSQL database (homeshore.services.lease): with the
    # lease, one routes and the others forward to it and stand by. "auto": on PostgreSQL
    # (a process with voice must be the one routing: the telephony engines report to it)
    router_lease: Literal["auto", "on", "off"] = "auto"
    # the address the other processes forward to (default: http://<host>:<port> of serve)
    node_url: str | None = Field(None, pattern=r"^https?://[^/?#\s]+$")
    # how often a standby asks for the lease, and the leader checks it still holds it
    lease_poll_s: float = Field(1.0, gt=0, le=30)
    # a contact announced again with the same external id within this many hours is
    # recognised from memory; an older one from the database, at the cost of a retry
    contact_retry_window_h: float = Field(24.0, gt=0)
    # an agent with no published schedule: may it take contacts at any time?
    unscheduled_agents: Literal["allow", "deny"] = "allow"
    # an advisor going available from home on a day the schedule has them on a site or in a
    # telecentre: "record" lets them and records it (agent.location_mismatch, out of
    # adherence on the console), "refuse" answers 409 (the telework agreement's home days
    # are the rostered ones); any other place than the rostered one is always recorded
    home_off_schedule: Literal["record", "refuse"] = "record"
    # keep a contact waiting at most this long before it counts as abandoned (None: never)
    abandon_after_s: float | None = Field(None, gt=0)
    # does a readiness check that passed with warnings allow home work?
    readiness_accept_warn: bool = True
    # a home readiness check holds this many days; then the next shift from home needs a new
    # one (0: it never expires)
    readiness_valid_days: float = Field(30.0, ge=0)
    # this many calls in a row from home with a low-quality sample (MOS under
    # voice_low_mos) make the check due again before the next shift from home (0: never)
    readiness_bad_calls: int = Field(3, ge=0)
    # intraday (docs/intraday.md): the rest of the day is re-forecast from the arrivals so
    # far this often (seconds), with the staffing gap per queue and interval
    intraday_every_s: float = Field(300.0, gt=0)
    # "auto": when the gap reaches intraday_gap_threshold agents, extra time is offered to
    # the advisors who may legally take it (time off when the surplus does); "manual": the
    # gap is shown, a planner or manager posts the offers
    intraday_offers: Literal["auto", "manual"] = "auto"
    intraday_gap_threshold: float = Field(1.0, gt=0)
    # an offered slot starts at least this many minutes ahead; replies are due within
    # intraday_reply_min; slots last intraday_slot_min..intraday_slot_max minutes
    intraday_lead_min: int = Field(30, ge=0, le=24 * 60)
    intraday_reply_min: int = Field(15, ge=1, le=24 * 60)
    intraday_slot_min: int = Field(60, ge=15, le=12 * 60)
    intraday_slot_max: int = Field(120, ge=15, le=12 * 60)
    # advisors' schedule requests (docs/intraday.md, "Requests"): the kinds approved at once
    # when the rules allow them; the others wait for a planner or a manager
    requests_auto_approve: tuple[Literal["location", "swap"], ...] = ("location", "swap")
    # publish per-queue KPIs as an event this often (seconds)
    metrics_every_s: float = Field(10.0, gt=0)
    # PostgreSQL: "off" acknowledges commits before the disk flush (see docs/live.md)
    pg_synchronous_commit: Literal["on", "off", "local"] = "on"
    sqlite_busy_timeout_ms: int = Field(5000, ge=0)
    # retention of personal data (homeshore.services.retention; `homeshore purge`): audit
    # entries and events are deleted after so many days; a closed contact's customer
    # reference and chat messages are erased after contacts_personal_days (its figures
    # stay). Events carry customer references and chat text: they go no later than that.
    audit_days: int = Field(400, ge=1, le=36500)
    events_days: int = Field(90, ge=1, le=36500)
    contacts_personal_days: int = Field(180, ge=1, le=36500)
    # voice (docs/voice.md): off unless `homeshore serve --voice` or HOMESHORE_VOICE=true.
    # The secret signs the advisors' SIP credentials (Kamailio's auth_ephemeral checks them)
    # and authenticates Kamailio's requests to homeshore; every node shares it. Unset: a
    # random one per start (a local run, where homeshore writes the engines' configuration).
    voice: bool = False
    voice_secret: SecretStr | None = None
    voice_sip_domain: str = "homeshore.local"
    # where the advisors' browsers reach Kamailio's SIP over WebSocket (wss:// in production)
    voice_ws_url: str = "ws://127.0.0.1:5066"
    # Kamailio's control interface (xhttp), reachable from homeshore only
    voice_control_url: str = "http://127.0.0.1:5067"
    # STUN/TURN servers given to the browsers (coturn with use-auth-secret in production)
    voice_ice_servers: tuple[str, ...] = ()
    # the engines homeshore starts for a local run (`homeshore serve --voice`)
    voice_sip_listen: str = "127.0.0.1:5060"
    # carriers' addresses (or networks, a.b.c.d/n) allowed to send calls; others get 403
    voice_trunks: tuple[str, ...] = ("127.0.0.1",)
    # where advisors' calls to customers go (the carrier's SIP address, host:port; they
    # call back customers whose call needs it); unset: no outgoing calls
    voice_trunk_gateway: str | None = None
    # the number customers see when called back (P-Asserted-Identity; the carrier checks
    # the centre may present it)
    voice_caller_id: str = Field("", pattern=r"^\+?[0-9]{0,20}$")
    # networks (a site's or telecentre's LAN) whose SIP desk phones may register advisors
    # over UDP with plain RTP (credential: `homeshore voice phone-credential`); browsers
    # register over WebSocket from anywhere. Empty: desk phones are refused.
    voice_phone_networks: tuple[str, ...] = ()
    voice_rtpengine_ng: str = "127.0.0.1:2223"
    # the address rtpengine relays media on (what browsers and trunks send to)
    voice_media_address: str = "127.0.0.1"
    voice_rtp_ports: str = "30000-30999"
    # an advisor's browser must answer the call this soon after homeshore names it
    voice_answer_timeout_s: float = Field(20.0, gt=0)
    # a call waits in the queue at most this long, whatever else happens (the engines'
    # backstop; abandon_after_s and the queue's rules normally decide before)
    voice_max_hold_s: float = Field(3600.0, gt=0)
    # what a caller on hold hears: a WAV file on rtpengine's machine (unset: a local run
    # plays the tune homeshore writes next to the engines' configuration)
    voice_hold_music: Path | None = None
    # what a caller hears when the advisor's line dropped during the call, before it ends
    # (a WAV file on rtpengine's machine: "we were cut off, we will call you back"; unset: a
    # local run plays the special information tone homeshore writes)
    voice_dropped_message: Path | None = None
    # recorded calls (queues with `record: true`): rtpengine's recording directory, which
    # homeshore must be able to read (unset: a local run's, next to the engines' logs); where
    # the WAV files are kept; how many days before the purge deletes them; what the caller
    # hears when the recording starts (a WAV file on rtpengine's machine: "this call may be
    # recorded"; unset: a local run plays the recorder warning tone homeshore writes)
    voice_rtp_recordings_dir: Path | None = None
    voice_recordings_dir: Path = Path("out/recordings")
    voice_recording_days: int = Field(30, ge=1, le=3650)
    voice_recording_notice: Path | None = None
    # an advisor's SIP credential lasts this long; the desk renews it while logged in
    voice_credential_ttl_s: float = Field(600.0, ge=60)
    # a call whose quality sample scores a MOS below this is flagged to the manager (the
    # readiness check's own warning level)
    voice_low_mos: float = Field(3.6, ge=1.0, le=4.5)
    # a connected call whose advisor's side sends no packet this long is a dropped line
    # (a home line that stalls without closing anything): the caller is told and the
    # customer called back, as when the softphone closes (0: not watched)
    voice_media_silence_s: float = Field(MEDIA_SILENCE_S, ge=0.0, le=120.0)

    @model_validator(mode="after")
    def _events_not_kept_longer_than_personal_data(self) -> Settings:
        if self.events_days > self.contacts_personal_days:
            raise ValueError(
                "events_days cannot exceed contacts_personal_days: events carry customer "
                "references and chat messages"
            )
        return self

    @model_validator(mode="after")
    def _slot_bounds(self) -> Settings:
        if self.intraday_slot_min > self.intraday_slot_max:
            raise ValueError("intraday_slot_min cannot exceed intraday_slot_max")
        return self

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError as exc:
                raise ValueError(f"{item!r} is not an address or network (a.b.c.d/n)") from exc
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not re.fullmatch(r"https?://[^/?#\s]+", item):
                raise ValueError(f"{item!r} is not an origin (scheme://host[:port])")
        return value
