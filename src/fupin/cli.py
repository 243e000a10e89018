"""The `fupin` command: one entry point over the Django management commands, for
operators who script set-up, imports, runs and exports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="fupin（扶贫）: 农户信息与防返贫监测系统的命令行。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _django(*, demo: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.config.settings")
    if demo:
        os.environ["FUPIN_DEMO"] = "1"
    import django

    django.setup()


def _call(*args: str, **options) -> None:
    from django.core.management import call_command

    call_command(*args, **options)


def _command_origin() -> None:
    """Audit rows written by this command share one request id, marked as from the CLI."""
    from fupin.core import context

    context.begin(context.Origin(request_id=f"cli-{context.new_request_id()}", channel="cli"))


@contextmanager
def _explained():
    """Validation errors from a service, printed field by field; exit code 2."""
    from django.core.exceptions import ValidationError

    try:
        yield
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                typer.echo(f"{field}: {message}", err=True)
        raise typer.Exit(2) from error


@app.command()
def setup() -> None:
    """Prepare the installation: translations, static files and the database schema."""
    _django()
    from fupin.core.setup import compile_translations

    compile_translations()
    _call("collectstatic", interactive=False, verbosity=0)
    _call("migrate", interactive=False, verbosity=0)
    typer.echo("fupin: set-up done (translations, static files, database).")


@app.command()
def migrate() -> None:
    """Create or update the database schema (DATABASE_URL, default var/fupin.sqlite3)."""
    _django()
    _call("migrate", interactive=False)


@app.command()
def demo(
    scale: Annotated[
        float,
        typer.Option(help="Share of the published population: 1 = about 2.7 million persons."),
    ] = 0.02,
    seed: Annotated[int, typer.Option(help="The same seed gives the same data.")] = 1,
    force: Annotated[
        bool, typer.Option(help="Load even when the database already has accounts.")
    ] = False,
) -> None:
    """Load the demo: the four seed counties, one account per role, calibrated households."""
    _django()
    _command_origin()
    from fupin.demo.load import MIN_SCALE, demo_load

    if 0 < scale < MIN_SCALE:
        typer.echo(f"--scale 应为 0（不生成农户）或不小于 {MIN_SCALE}", err=True)
        raise typer.Exit(2)
    demo_load(force=force, scale=scale, seed=seed, say=typer.echo)


@app.command()
def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str,
        typer.Option(
            help="county, township, village, work_team, paired_cadre, department, "
            "inspector, city, province or sysadmin."
        ),
    ],
    region: Annotated[
        str,
        typer.Option(help="Region code of the user's scope; empty only for a national sysadmin."),
    ] = "",
    department: Annotated[
        str, typer.Option(help="For department users: medical_insurance, education, …")
    ] = "",
    full_name: Annotated[str, typer.Option(help="The person's name.")] = "",
    password: Annotated[
        str, typer.Option(help="Omit to be asked (recommended).", hide_input=True)
    ] = "",
) -> None:
    """Create an account with its role and region scope."""
    _django()
    _command_origin()
    from fupin.accounts.services import user_create

    if not password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _explained():
        user = user_create(
            actor=None,
            username=username,
            password=password,
            role=role,
            region_code=region or None,
            department=department,
            full_name=full_name,
        )
    typer.echo(f"created {user.username} ({user.role}, {user.region_id or 'national'})")


@app.command()
def token(username: Annotated[str, typer.Argument(help="The account the token acts as.")]) -> None:
    """Print an API token for an account (created on first use; audited)."""
    _django()
    _command_origin()
    from fupin.accounts.services import user_token

    with _explained():
        typer.echo(user_token(username=username))


@app.command()
def resetpassword(
    username: Annotated[str, typer.Argument(help="The account to help back in.")],
    password: Annotated[
        str, typer.Option(help="New password; omit to be asked.", hide_input=True)
    ] = "",
    keep_password: Annotated[
        bool, typer.Option(help="Only unlock / reset the second factor.")
    ] = False,
    second_factor: Annotated[
        bool, typer.Option(help="Also forget the account's authenticator (lost phone).")
    ] = False,
) -> None:
    """Set a new password, lift a lockout and optionally reset the second factor."""
    _django()
    _command_origin()
    from fupin.accounts.services import user_reset_credentials

    if not keep_password and not password:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with _explained():
        user_reset_credentials(
            username=username,
            password=None if keep_password else password,
            reset_second_factor=second_factor,
        )
    typer.echo(f"{username}: reset done")


@app.command()
def worker(
    queue: Annotated[str, typer.Option(help="Queue to take tasks from.")] = "default",
    interval: Annotated[float, typer.Option(help="Seconds between polls when idle.")] = 1.0,
    batch: Annotated[bool, typer.Option(help="Stop when the queue is empty.")] = False,
) -> None:
    """Run background tasks (imports, batch runs, exports) from the database queue."""
    _django()
    options = {"queue_name": queue, "interval": interval, "verbosity": 1}
    if batch:
        options["batch"] = True
    _call("db_worker", **options)


@app.command()
def run(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(help="Demo mode: load demo data when empty, no second factor, plain HTTP."),
    ] = False,
    with_worker: Annotated[bool, typer.Option(help="Also start one background worker.")] = True,
    threads: Annotated[int, typer.Option(help="Request threads.")] = 8,
) -> None:
    """Serve fupin (migrating first), with a background worker beside it."""
    _django(demo=demo)
    _command_origin()
    from fupin.core.setup import compile_translations

    # Cheap when nothing changed; makes `fupin run` enough on its own after an upgrade.
    compile_translations()
    _call("collectstatic", interactive=False, verbosity=0)
    _call("migrate", interactive=False, verbosity=0)
    if demo:
        from fupin.accounts.models import User
        from fupin.demo.load import DEFAULT_SCALE, DEMO_PASSWORD, demo_accounts, demo_load

        if not User.objects.exists():
            scale = float(os.environ.get("FUPIN_DEMO_SCALE", DEFAULT_SCALE))
            typer.echo(f"fupin: loading demo data (scale {scale}) …")
            demo_load(scale=scale, say=typer.echo)
    worker_process = None
    if with_worker:
        worker_process = subprocess.Popen(
            [sys.executable, "-m", "fupin", "worker"], env=os.environ.copy()
        )
    url = f"http://{host}:{port}/"
    typer.echo(f"\nfupin is serving at {url}")
    if demo:
        typer.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label in demo_accounts():
            typer.echo(f"  {username:<12} {label}")
    typer.echo("Press Ctrl+C to stop.\n")
    from fupin.standards.engine import warm_up

    warm_up()
    if with_worker:
        from fupin.procedures.tasks import start_daily_clock

        start_daily_clock()
    from waitress import serve

    from fupin.config.wsgi import application

    try:
        serve(application, host=host, port=port, threads=threads, ident="fupin")
    finally:
        if worker_process is not None:
            worker_process.send_signal(signal.SIGTERM)
            worker_process.wait(timeout=30)


@app.command()
def deadlines() -> None:
    """Recompute the deadline flags of every open procedure step and monitoring lead (run
    daily, e.g. from cron; `fupin run` does it by itself)."""
    _django()
    from fupin.monitoring.services import recompute_all as leads
    from fupin.procedures.deadlines import recompute_all as steps

    typer.echo(f"deadline flags recomputed: steps {steps()} changed, leads {leads()} changed")


regions_app = typer.Typer(help="The region tree (行政区划).", no_args_is_help=True)
app.add_typer(regions_app, name="regions")


def _finish_import(result, report: Path | None) -> None:
    """Print the counts line, write the report, exit 0 / 3 as the import contract says."""
    from fupin.core.import_report import write_report

    for column in result.unknown_columns:
        typer.echo(f"提示：未知列“{column}”，已忽略", err=True)
    if report is not None:
        write_report(result, report)
        typer.echo(f"report: {report}", err=True)
    elif result.problems:
        for problem in result.problems[:20]:
            typer.echo(
                f"第{problem.row}行 {problem.column}：{problem.message}（{problem.value}）",
                err=True,
            )
        if len(result.problems) > 20:
            typer.echo(f"……共 {len(result.problems)} 条问题，用 --report 导出全部。", err=True)
    typer.echo(result.summary())
    raise typer.Exit(result.exit_code)


@regions_app.command("load")
def regions_load(
    file: Annotated[Path, typer.Argument(help="CSV with the header code,name,parent_code,level.")],
    report: Annotated[
        Path | None, typer.Option(help="Write rejected rows and warnings to this .xlsx/.csv.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Check only; write nothing.")] = False,
) -> None:
    """Load or update regions; prints `read N, written W, unchanged U, rejected R`."""
    _django()
    _command_origin()
    from fupin.core.spreadsheets import SpreadsheetError
    from fupin.regions.loading import regions_load as load

    try:
        result = load(path=file, dry_run=dry_run)
    except SpreadsheetError as error:
        typer.echo(f"无法导入：{error.message}", err=True)
        raise typer.Exit(2) from error
    _finish_import(result, report)


import_app = typer.Typer(help="Imports in the standard templates.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("households")
def import_households(
    file: Annotated[
        Path, typer.Argument(help=".xlsx, .xls or .csv (UTF-8, UTF-8 with BOM, GB18030).")
    ],
    report: Annotated[
        Path | None, typer.Option(help="Write rejected rows and warnings to this .xlsx/.csv.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Check only; write nothing.")] = False,
    as_of: Annotated[
        str | None,
        typer.Option(help="Date the file's facts hold from (YYYY-MM-DD); default today."),
    ] = None,
) -> None:
    """Import households and members; prints `read N, written W, unchanged U, rejected R`."""
    _django()
    _command_origin()
    from datetime import date

    from fupin.registry.importing import ImportFileError
    from fupin.registry.importing import import_households as run_import

    try:
        on = date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        typer.echo(f"无法导入：--as-of 应为 年-月-日，实为 {as_of}", err=True)
        raise typer.Exit(2) from error
    try:
        result = run_import(path=file, dry_run=dry_run, as_of=on)
    except ImportFileError as error:
        typer.echo(f"无法导入：{error.message}", err=True)
        raise typer.Exit(2) from error
    except FileNotFoundError as error:
        typer.echo(f"无法导入：找不到文件 {file}", err=True)
        raise typer.Exit(2) from error
    if result.written and not dry_run:
        from fupin.reports.tasks import rebuild_soon

        rebuild_soon("import")  # the worker (or `fupin analytics rebuild`) brings it in
    _finish_import(result, report)


warnings_app = typer.Typer(help="Department warnings (部门预警).", no_args_is_help=True)
app.add_typer(warnings_app, name="warnings")


@warnings_app.command("import")
def warnings_import(
    file: Annotated[Path, typer.Argument(help=".xlsx, .xls or .csv in the department's template.")],
    department: Annotated[
        str,
        typer.Option(
            help="medical_insurance, health, education, civil_affairs, disability, housing, "
            "emergency, human_resources or public_security."
        ),
    ],
    report: Annotated[
        Path | None, typer.Option(help="Write rejected and unmatched rows to this .xlsx/.csv.")
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Match only persons of this region (default: all).")
    ] = None,
) -> None:
    """Match a department's list with the registry and make leads; prints
    `read N, rejected R, unmatched U, matched M, leads L` (N = R + U + M)."""
    _django()
    _command_origin()
    from fupin.core.spreadsheets import SpreadsheetError
    from fupin.monitoring.warning_import import warnings_import as run

    try:
        result = run(department=department, path=file, region_code=region)
    except SpreadsheetError as error:
        typer.echo(f"无法导入：{error.message}", err=True)
        raise typer.Exit(2) from error
    for column in result.unknown_columns:
        typer.echo(f"提示：未知列“{column}”，已忽略", err=True)
    if report is not None:
        result.write_report(report)
        typer.echo(f"report: {report}", err=True)
    else:
        shown = [p for p in result.problems if p.severity in ("error", "unmatched")]
        for problem in shown[:20]:
            typer.echo(
                f"第{problem.row}行 {problem.column}：{problem.message}（{problem.value}）",
                err=True,
            )
        if len(shown) > 20:
            typer.echo(f"……共 {len(shown)} 行未能匹配或被拒绝，用 --report 导出全部。", err=True)
    typer.echo(result.summary())
    raise typer.Exit(result.exit_code)


@warnings_app.command("template")
def warnings_template(
    out: Annotated[Path, typer.Argument(help="Where to write the .xlsx template.")],
    department: Annotated[str, typer.Option(help="The department whose file it is.")],
) -> None:
    """Write the blank file a department fills in, with drop-down lists and notes."""
    _django()
    from fupin.monitoring.template_file import write_warning_template
    from fupin.monitoring.warning_specs import SPECS

    if department not in SPECS:
        typer.echo(f"未知的部门：{department}（应为 {', '.join(SPECS)} 之一）", err=True)
        raise typer.Exit(2)
    write_warning_template(department, out)
    typer.echo(f"template: {out}")


@import_app.command("template")
def import_template(
    out: Annotated[Path, typer.Argument(help="Where to write the .xlsx template.")],
) -> None:
    """Write the blank standard template, with drop-down lists and instructions."""
    _django()
    from fupin.registry.template_file import write_template

    write_template(out)
    typer.echo(f"template: {out}")


export_app = typer.Typer(help="Exports in the standard templates.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("households")
def export_households(
    out: Annotated[Path, typer.Argument(help="OUT.xlsx or OUT.csv")],
    region: Annotated[
        str, typer.Option(help="Region code to export (county, township or village).")
    ],
    reveal: Annotated[
        bool, typer.Option(help="Write full ID and phone numbers (audited).")
    ] = False,
) -> None:
    """Export the registry of a region in the import template, one row per person."""
    _django()
    _command_origin()
    from fupin.regions import codes
    from fupin.registry.exports import export_rows, write_export

    code = codes.expand(region)
    if not codes.is_valid(code):
        typer.echo(f"区划代码不正确：{region}", err=True)
        raise typer.Exit(2)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        typer.echo("输出文件应为 .xlsx 或 .csv", err=True)
        raise typer.Exit(2)
    count = write_export(out, export_rows(actor=None, within=code, reveal=reveal))
    typer.echo(f"exported {count} persons to {out}")


@app.command()
def evaluate(
    year: Annotated[int, typer.Option(help="The year whose income and rules apply.")],
    region: Annotated[
        str, typer.Option(help="12-digit region code; default every household.")
    ] = "",
    engine: Annotated[
        str,
        typer.Option(help="duckdb (embedded) or spark (local, or FUPIN_SPARK_MASTER)."),
    ] = "duckdb",
    output: Annotated[
        Path | None, typer.Option(help="Write one row per household to this CSV.")
    ] = None,
) -> None:
    """Check every household of an area against the year's standards (exit, monitoring,
    risk elimination), store the run with a verdict per household, and print a one-line
    summary of counts."""
    _django()
    _command_origin()
    from django.core.exceptions import ValidationError

    from fupin.standards import output as out
    from fupin.standards.engine import EngineError
    from fupin.standards.runs import run_create, run_execute

    try:
        run = run_create(actor=None, year=year, region_code=region, engine_name=engine)
        verdicts = run_execute(run)
    except ValidationError as error:
        messages = "；".join(m for ms in error.message_dict.values() for m in ms)
        typer.echo(f"无法核验：{messages}", err=True)
        raise typer.Exit(2) from error
    except EngineError as error:
        typer.echo(f"无法核验：{error.message}", err=True)
        raise typer.Exit(2) from error
    if output is not None:
        out.write_csv(verdicts, output)
    typer.echo(f"run {run.pk}: " + out.summary_line(out.summary(verdicts)))


policy_app = typer.Typer(help="Policy parameters (lines, thresholds, ages).", no_args_is_help=True)
app.add_typer(policy_app, name="policy")


@policy_app.command("show")
def policy_show(
    year: Annotated[int, typer.Option(help="The year.")],
    province: Annotated[str, typer.Option(help="Two digits; 00 is national.")] = "00",
) -> None:
    """Print every figure in force for the province and year, and where it was set."""
    _django()
    from fupin.standards.selectors import policy_rows

    for row in policy_rows(province, year):
        value = "—" if row["value"] is None else f"{row['value']:g}"
        typer.echo(f"{row['key']:<28}{value:>10} {row['unit']:<10} {row['source']}")


@policy_app.command("set")
def policy_set_command(
    province: Annotated[str, typer.Option(help="Two digits; 00 is national.")],
    year: Annotated[int, typer.Option(help="The first year the figure holds.")],
    key: Annotated[str, typer.Option(help="e.g. poverty_line, monitoring_threshold.")],
    value: Annotated[str, typer.Option(help="The figure.")],
    note: Annotated[str, typer.Option(help="Its basis (document title or number).")] = "",
) -> None:
    """Set one figure for a province from a year on (written to the audit log)."""
    _django()
    _command_origin()
    from django.core.exceptions import ValidationError

    from fupin.standards.services import policy_set

    try:
        policy_set(actor=None, province=province, year=year, key=key, value=value, note=note)
    except ValidationError as error:
        messages = "；".join(m for ms in error.message_dict.values() for m in ms)
        typer.echo(f"无法设定：{messages}", err=True)
        raise typer.Exit(2) from error
    typer.echo(f"set {province} {year} {key} = {value}")


@app.command()
def indicators(
    year: Annotated[int, typer.Option(help="The year (figures at 31 December).")],
    region: Annotated[str, typer.Option(help="12-digit region code.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Area indicators: registered persons, poor households and persons, incidence, exits,
    monitored households and share, for the area and each area below it; county exit
    indicators for a county with an evaluation record."""
    _django()
    import json

    from fupin.regions.models import Region
    from fupin.standards.indicators_json import indicators_json

    if not Region.objects.filter(code=region).exists():
        typer.echo(f"无法计算：行政区划代码 {region} 在系统中不存在", err=True)
        raise typer.Exit(2)
    data = indicators_json(region, year)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{'code':<13}{'name':<12}{'persons':>10}{'poor hh':>9}{'poor':>8}{'incid.%':>9}"
        f"{'exit hh':>9}{'monit.hh':>9}{'share%':>8}"
    )
    for a in data["areas"]:
        typer.echo(
            f"{a['code']:<13}{a['name'][:10]:<12}{a['registered_persons']:>10}"
            f"{a['poor_households']:>9}{a['poor_persons']:>8}{a['incidence'] or '—':>9}"
            f"{a['exited_households']:>9}{a['monitored_households']:>9}"
            f"{a['monitored_share'] or '—':>8}"
        )
    for key, value in data.get("county_exit", {}).items():
        if isinstance(value, dict):
            verdict = {True: "ok", False: "NOT MET", None: "unknown"}[value["ok"]]
            typer.echo(f"{key}: {value['value']}% (threshold {value['threshold']}%) {verdict}")
        else:
            typer.echo(f"{key}: {value}")


analytics_app = typer.Typer(help="The analytics tables behind statistics.", no_args_is_help=True)
app.add_typer(analytics_app, name="analytics")


@analytics_app.command("rebuild")
def analytics_rebuild() -> None:
    """Rebuild the analytics tables from the registry and swap them in."""
    _django()
    _command_origin()
    from fupin.reports.analytics import rebuild

    def progress(done: int, total: int, message: str) -> None:
        typer.echo(f"  {done}/{total} {message}", err=True)

    build = rebuild(trigger="command", progress=progress)
    typer.echo(
        f"analytics build {build.pk}: years {build.first_year}-{build.last_year}, "
        f"{build.household_rows} household-years, {build.measure_rows} measures, "
        f"{build.seconds:.1f} s"
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
