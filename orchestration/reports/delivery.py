"""Sending the report, or a failed refresh's reason, to people: by email and by chat webhook.

Both are optional and set by environment variables:

- email: SMTP_HOST (none: no email), SMTP_PORT (587 with STARTTLS; 465: TLS from the start), SMTP_USER and
  SMTP_PASSWORD (login only when a user is set), SMTP_STARTTLS (true / false; default true on
  port 587), SMTP_SSL (TLS from the first byte: true / false; default true on port 465),
  REPORT_FROM, REPORT_TO (comma-separated addresses). The server's certificate is checked against
  the system's authorities; a mail relay with a private authority: SSL_CERT_FILE=<its CA file>;
- chat: REPORT_WEBHOOK_URL (none: no message); REPORT_WEBHOOK_KIND = wecom | dingtalk | json,
  guessed from the URL when unset (qyapi.weixin.qq.com: WeCom, oapi.dingtalk.com: DingTalk).

Each delivery is tried REPORT_DELIVERY_ATTEMPTS times (default 3) with a pause that doubles
from REPORT_RETRY_SECONDS (default 5); the outcome of every attempt is appended to the delivery
log beside the warehouse (<warehouse>.deliveries.jsonl), which Data health shows. A failed
delivery is logged and reported, never raised: the publish it follows stands.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Message:
    """What is sent: a subject, a plain-text body (the chat message too), files to attach."""

    key: str  # what the log calls it: "daily 2024-03-01", "failure <run id>"
    subject: str
    body: str
    attachments: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Outcome:
    channel: str  # email | webhook
    ok: bool
    attempts: int
    detail: str


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={value!r}: write true or false")


def _recipients() -> list[str]:
    return [a.strip() for a in os.environ.get("REPORT_TO", "").split(",") if a.strip()]


def channels() -> list[str]:
    """The deliveries configured in this environment."""
    found = []
    if os.environ.get("SMTP_HOST", "").strip():
        found.append("email")
    if os.environ.get("REPORT_WEBHOOK_URL", "").strip():
        found.append("webhook")
    return found


def send_email(message: Message) -> str:
    host = os.environ["SMTP_HOST"].strip()
    port = int(os.environ.get("SMTP_PORT", "") or 587)
    implicit_tls = _flag("SMTP_SSL", port == 465)
    starttls = _flag("SMTP_STARTTLS", port == 587) and not implicit_tls
    recipients = _recipients()
    sender = os.environ.get("REPORT_FROM", "").strip()
    if not recipients or not sender:
        raise ValueError("SMTP_HOST is set but REPORT_FROM or REPORT_TO is empty")
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = message.subject, sender, ", ".join(recipients)
    mail.set_content(message.body)
    for path in message.attachments:
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        main, sub = kind.split("/", 1)
        mail.add_attachment(path.read_bytes(), maintype=main, subtype=sub, filename=path.name)
    # Port 465 speaks TLS from the first byte (QQ, 163 and Aliyun mail offer it); others STARTTLS.
    if implicit_tls:
        connection = smtplib.SMTP_SSL(
            host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    with connection as smtp:
        if starttls:
            smtp.starttls(context=ssl.create_default_context())
        user = os.environ.get("SMTP_USER", "").strip()
        if user:
            smtp.login(user, os.environ.get("SMTP_PASSWORD", ""))
        refused = smtp.send_message(mail)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)
    return f"sent to {len(recipients)} recipient(s) via {host}:{port}"


def webhook_kind(url: str) -> str:
    kind = os.environ.get("REPORT_WEBHOOK_KIND", "").strip().lower()
    if kind:
        if kind not in {"wecom", "dingtalk", "json"}:
            raise ValueError(f"REPORT_WEBHOOK_KIND={kind!r}: write wecom, dingtalk or json")
        return kind
    if "qyapi.weixin.qq.com" in url:
        return "wecom"
    if "oapi.dingtalk.com" in url:
        return "dingtalk"
    return "json"


def webhook_payload(kind: str, message: Message) -> dict:
    """WeCom and DingTalk group robots take markdown; anything else gets plain JSON."""
    text = f"**{message.subject}**\n\n{message.body}"
    if kind == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text[:4000]}}
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": message.subject, "text": text}}
    return {
        "subject": message.subject,
        "text": message.body,
        "key": message.key,
        "files": [p.name for p in message.attachments],
    }


def send_webhook(message: Message) -> str:
    url = os.environ["REPORT_WEBHOOK_URL"].strip()
    kind = webhook_kind(url)
    request = urllib.request.Request(
        url,
        data=json.dumps(webhook_payload(kind, message), ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        answer = response.read(2000).decode("utf-8", "replace")
    # WeCom and DingTalk answer HTTP 200 with an error code in the body.
    if kind in {"wecom", "dingtalk"}:
        try:
            code = json.loads(answer).get("errcode", 0)
        except ValueError:
            code = None
        if code not in (0, None):
            raise RuntimeError(f"the {kind} robot answered {answer[:200]}")
    return f"posted ({kind}) to {urllib.parse.urlsplit(url).hostname}"


SENDERS = {"email": send_email, "webhook": send_webhook}


def _reason(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot reach the server: {error.reason}"
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


def deliver(message: Message, log: Path, say=print) -> list[Outcome]:
    """Send `message` on every configured channel, retrying; log each attempt; never raise."""
    attempts = int(_number("REPORT_DELIVERY_ATTEMPTS", 3, say))
    pause = _number("REPORT_RETRY_SECONDS", 5, say)
    outcomes = []
    for channel in channels():
        for attempt in range(1, attempts + 1):
            try:
                detail = SENDERS[channel](message)
                ok = True
            except Exception as error:
                detail, ok = _reason(error), False
            _append(
                log, {"key": message.key, "channel": channel, "attempt": attempt, "ok": ok, "detail": detail}
            )
            if ok or attempt == attempts:
                break
            say(f"Sending {message.key} by {channel} failed (try {attempt} of {attempts}): {detail}; again.")
            time.sleep(pause * 2 ** (attempt - 1))
        outcomes.append(Outcome(channel, ok, attempt, detail))
        say(f"{message.key} by {channel}: {'sent' if ok else 'NOT sent'} — {detail}")
    return outcomes


def _number(name: str, default: float, say) -> float:
    value = os.environ.get(name, "").strip()
    try:
        number = float(value) if value else default
    except ValueError:
        number = -1
    if number < (1 if name.endswith("ATTEMPTS") else 0):
        say(f"{name}={value!r} is not a usable number; using {default:g}.")
        return default
    return number


def _append(log: Path, entry: dict) -> None:
    entry = {"at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **entry}
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")


def read_log(log: Path, last: int = 50) -> list[dict]:
    """The newest entries of the delivery log, newest first."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8").splitlines()[-last:]
    entries = []
    for line in reversed(lines):
        try:
            entries.append(json.loads(line))
        except ValueError:
            continue
    return entries


def already_sent(log: Path, key: str) -> bool:
    """A failure is announced once, however many sensors and runners see it."""
    return any(e.get("key") == key and e.get("ok") for e in read_log(log, last=500))
