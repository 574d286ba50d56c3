"""One simulated user's browser: cookies, a keep-alive connection, forms read from the page;
every request timed and checked into the figures."""

from __future__ import annotations

import http.client
import time
import urllib.parse
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie

from loadtest.figures import LOCKED, Figures, Sample
from loadtest.scenario import page_type


@dataclass
class Response:
    status: int
    path: str
    body: str
    location: str | None


class FormParser(HTMLParser):
    """The forms of a page: action, method, fields (name to value) and each select's options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
                | {"fields": {}, "options": {}}
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["options"][self._select] = []
        elif tag == "option" and self._select and a.get("value"):
            self.forms[-1]["options"][self._select].append(a["value"])
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form_with(body: str, field_name: str) -> dict | None:
    parser = FormParser()
    parser.feed(body)
    return next(
        (
            f
            for f in parser.forms
            if f["method"] == "post" and (field_name in f["fields"] or field_name in f["options"])
        ),
        None,
    )


class Browser:
    """One user's cookies and keep-alive connection; every request timed and checked."""

    def __init__(self, port: int, figures: Figures, name: str, role: str) -> None:
        self.port = port
        self.role = role
        self.figures = figures
        self.name = name
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.phase = "sign-in"

    def _send(self, method: str, path: str, fields: dict | None) -> Response:
        headers = {"User-Agent": "pathways-load-test", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        kind = page_type(method, path)
        began = time.perf_counter()
        try:
            reply, content = self._exchange(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            seconds = time.perf_counter() - began
            self.figures.add(Sample(self.phase, self.role, kind, 0, seconds))
            self.figures.error(f"{self.name}: {method} {path}: {type(error).__name__}: {error}")
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return Response(0, path, "", None)
        seconds = time.perf_counter() - began
        self.figures.add(Sample(self.phase, self.role, kind, reply.status, seconds))
        for header in reply.msg.get_all("Set-Cookie") or []:
            self._keep_cookie(header)
        if reply.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        text = content.decode("utf-8", "replace")
        if LOCKED in text:
            with self.figures.lock:
                self.figures.locked_responses += 1
        if reply.status >= 500:
            with self.figures.lock:
                self.figures.server_errors.append(f"{method} {path}: {reply.status}")
        elif reply.status not in (200, 301, 302, 303):
            self.figures.error(f"{self.name}: {method} {path}: HTTP {reply.status}")
        return Response(reply.status, path, text, reply.getheader("Location"))

    def _exchange(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        """The request on the kept connection or, if the server closed that one while the user
        was thinking (gunicorn closes idle connections after a few seconds), on a new one, as a
        browser does."""
        if self.connection is not None:
            try:
                return self._request(method, path, body, headers)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return self._request(method, path, body, headers)

    def _request(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes]:
        self.connection.request(method, path, body=body, headers=headers)
        reply = self.connection.getresponse()
        return reply, reply.read()

    def _keep_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.follow(self._send("GET", path, None))

    def post(self, path: str, fields: dict, *, expect_redirect: bool = True) -> Response:
        reply = self._send("POST", path, fields)
        if expect_redirect and reply.status == 200:
            self.figures.error(f"{self.name}: POST {path}: the form came back (not accepted)")
        return self.follow(reply)

    def follow(self, reply: Response) -> Response:
        for _ in range(5):
            if reply.status not in (301, 302, 303) or not reply.location:
                return reply
            target = urllib.parse.urlsplit(reply.location)
            path = target.path + (f"?{target.query}" if target.query else "")
            reply = self._send("GET", path, None)
        return reply

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
