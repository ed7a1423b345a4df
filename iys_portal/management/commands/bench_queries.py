"""Count the database queries of every benchmarked page (in-process, test client)."""

import json
from http.cookies import SimpleCookie

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Print {page name: query count} as JSON for the pages of bench_data."

    def handle(self, *args, **options):
        from io import StringIO

        out = StringIO()
        call_command("bench_data", "--providers", "0", "--json", stdout=out)
        fixtures = json.loads(out.getvalue().strip().splitlines()[-1])
        counts = {}
        for target in fixtures["targets"]:
            client = Client()
            if target["as"]:
                cookie = SimpleCookie(fixtures["cookies"][target["as"]])
                for key, morsel in cookie.items():
                    client.cookies[key] = morsel.value
            headers = target.get("headers", {})
            client.get(target["path"], headers=headers)  # warm caches (content types, sites…)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(target["path"], headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"{target['path']} answered {response.status_code}")
            counts[target["name"]] = len(queries)
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
