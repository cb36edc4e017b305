"""`homeshore voice ...`: what an operator needs besides `homeshore serve --voice`."""

from __future__ import annotations

import re
import time
from typing import Annotated

import typer

from homeshore.errors import InputError

voice_app = typer.Typer(help="Phone calls (docs/voice.md).", no_args_is_help=True)

#: what Kamailio's configuration accepts as an advisor's SIP user
AGENT_ID = re.compile(r"^[A-Za-z0-9_.-]+$")


def register(app: typer.Typer) -> None:
    app.add_typer(voice_app, name="voice")


@voice_app.command("phone-credential")
def phone_credential(
    agent: Annotated[str, typer.Argument(help="The advisor (agent id) the desk phone is for.")],
    days: Annotated[
        int, typer.Option("--days", min=1, max=366, help="How long the credential lasts.")
    ] = 30,
) -> None:
    """The SIP account of an advisor's desk phone at a site or telecentre (a network listed
    in HOMESHORE_VOICE_PHONE_NETWORKS). Signed with HOMESHORE_VOICE_SECRET, the secret the
    engines run with; it registers that advisor only, until it expires."""
    from homeshore.config import Settings
    from homeshore.voice.credentials import sip_credential

    if not AGENT_ID.match(agent):
        raise InputError(f"{agent!r} is not an agent id (letters, digits, _ . -)", where="AGENT")
    settings = Settings()
    if settings.voice_secret is None:
        raise InputError(
            "unset: a desk phone's credential is signed with the secret the engines run with",
            where="HOMESHORE_VOICE_SECRET",
        )
    if not settings.voice_phone_networks:
        raise InputError(
            "empty: Kamailio refuses desk phones unless their network is listed",
            where="HOMESHORE_VOICE_PHONE_NETWORKS",
        )
    expires = int(time.time()) + days * 86400
    credential = sip_credential(settings.voice_secret.get_secret_value(), agent, expires)
    expiry = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(expires))
    typer.echo(f"registrar  {settings.voice_sip_listen} (UDP)")
    typer.echo(f"domain     {settings.voice_sip_domain}")
    typer.echo(f"user       {agent}")
    typer.echo(f"auth user  {credential.username}")
    typer.echo(f"password   {credential.password}")
    typer.echo(f"expires    {expiry}")
