"""Every rule of the tooling, declared once: code, severity, one-line summary, how to fix.

Every :class:`~kbtools.problems.Problem` names one of these codes and takes its severity from
here; the rule table in CONTRIBUTING.md is generated from this file (``kb gen rules``), and a
test checks that the codes the package uses are exactly the codes declared here. ``kb lint
--select/--ignore`` take codes or prefixes (``KB3``, ``KB205``).

To add a rule: add a line to its family below, use the code in the checker, run ``kb gen rules``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str       # what is wrong, one line (the CONTRIBUTING table)
    fix: str           # how to fix it, in general (a problem's own hint may be more precise)
    severity: str = "error"   # "error" fails the lint and the build; "warning" is reported only


@dataclass(frozen=True)
class Family:
    prefix: str        # "KB3": every code of the family starts with it
    name: str
    about: str


def _error(code: str, summary: str, fix: str) -> Rule:
    return Rule(code, summary, fix)


def _warning(code: str, summary: str, fix: str) -> Rule:
    return Rule(code, summary, fix, "warning")


FAMILIES = [
    Family('KB1', 'pages', 'front matter, structure, links, HTML and Chinese copywriting '
                           '(kb lint; the build stops on KB1xx errors)'),
    Family('KB2', 'parity', 'zh/en pairs and translation status'),
    Family('KB3', 'cli', 'docker command lines and flag tables against the CLI snapshot'),
    Family('KB5', 'examples', 'runnable examples on the engine (kb examples)'),
    Family('KB6', 'glossary', 'data/glossary.yml and the generated glossary pages'),
    Family('KB7', 'offline', 'the offline edition (kb offline)'),
    Family('KB8', 'data', 'data files, files under docs/, and the example policy'),
]

_RULES = [
    # KB1xx pages
    _error('KB101',
           "the page has no front matter (or it is never closed)",
           "start the file with a '---' line, then title:, description:, tags:, then '---'"),
    _error('KB102',
           "the front matter is not valid YAML",
           "write title:, description: and tags: on their own lines"),
    _error('KB103',
           "a required front-matter key (title, description, tags) is missing or empty",
           "add the key with a value: title:, description: and tags:"),
    _error('KB104',
           "'tags' is not a list",
           "write each tag on its own '  - name' line"),
    _error('KB105',
           "a tag is not in the vocabulary data/tags.yml for the page's language",
           "use a tag of data/tags.yml in the page's language, or add the tag there in both "
           "languages"),
    _error('KB106',
           "the title or description contains < > or \" (they are plain text, never HTML)",
           "write plain text; use “ ” for quotes"),
    _error('KB110',
           "a code block is never closed",
           "close the block with the same fence it opened with (three backticks or tildes)"),
    _error('KB120',
           "a heading has no explicit id ({#id})",
           "end it with {#some-id}, the same id as in the other language"),
    _error('KB121',
           "two headings of a page have the same id",
           "give each heading its own id"),
    _error('KB122',
           "the body has a level-1 heading (the front-matter title is the page's H1)",
           "remove it; the front-matter title is shown as the H1"),
    _error('KB130',
           "an example marker has options that cannot be read",
           "see 'Runnable examples' in CONTRIBUTING.md"),
    _error('KB131',
           "a marker is not followed by a code block or table",
           "put it right above the block"),
    _error('KB132',
           "a console block with docker commands is neither an example nor skipped with a reason",
           "put <!-- example --> above it, or <!-- example: skip=\"why it cannot run\" -->"),
    _error('KB140',
           "a table row has a different number of cells than its header",
           "add the missing cell (an empty cell is written '|  |')"),
    _error('KB150',
           "a link points to a page or file that does not exist",
           "use a path relative to this file, e.g. ../images/build.md"),
    _error('KB151',
           "a link points to an anchor that does not exist",
           "use one of that page's {#ids}"),
    _error('KB152',
           "an image is hot-linked from another site",
           "save the image (SVG preferred) under docs/assets/ and link it relatively"),
    _error('KB160',
           "HTML the site's sanitiser removes: an element, attribute, style or URL outside the "
           "allow-list (scripts, event handlers, javascript:, remote resources, iframes, ...)",
           "remove the HTML the lint names; write Markdown instead"),
    _error('KB161',
           "an admonition title contains a backslash-escaped quote, which is shown literally",
           "use “ ” (or ' ') inside the title"),
    _error('KB170',
           "the page has no content",
           "write the page, or remove it and its nav entry"),
    _error('KB180',
           "Chinese copywriting (spacing, punctuation) — autocorrect",
           "apply the correction in the message (spaces between Chinese and Latin, full-width "
           "punctuation)"),
    _error("KB181",
           "zh prose uses another spelling than the preferred Chinese term (data/terms.yml)",
           "write the preferred term the hint names; introduce an English or informal name once, "
           "in brackets right after it: 守护进程（daemon）"),
    # KB2xx parity
    _error('KB200',
           "the page has no translation",
           "create the other language's file with the same structure (kb new-page makes both)"),
    _error('KB201',
           "the zh and en pages have different heading ids (or order; pages with front matter "
           "'heading_order: per-language' only need the same set)",
           "use the same ids in the same order in both languages"),
    _error('KB202',
           "the zh and en pages have different tables (count, rows, flags marker, or the options "
           "a flag table lists and their order)",
           "translate every table; keep its rows, marker and options"),
    _error('KB203',
           "the zh and en pages have different code blocks (commands, example output)",
           "copy the block from the Chinese page: kb parity --fix"),
    _error('KB204',
           "the zh and en pages have different example markers",
           "use the same <!-- example ... --> line"),
    _warning('KB205',
             "the English page is older than the Chinese page it translates",
             "update the English page and commit it"),
    # KB3xx cli
    _error('KB300',
           "the CLI snapshot data/docker-cli.json is missing or unreadable, or the check itself "
           "failed on a page (a bug: report it)",
           "run kb snapshot"),
    _error('KB301',
           "a command line runs a docker command or subcommand that does not exist (`docker "
           "uppause`, `docker network lss`)",
           "check the command's spelling against docker --help"),
    _error('KB302',
           "a command line uses an option the docker command does not have (misspelt, or an "
           "option of another docker command)",
           "check the option against docker COMMAND --help"),
    _error('KB303',
           "a command line uses an option of another program (e.g. `stress --vm`) as a docker "
           "option: it belongs after the image name",
           "put the other program's options after the image name"),
    _error('KB304',
           "a command line starts with a misspelling of `docker` (`dcoker logs`)",
           "write docker"),
    _error('KB305',
           "an option that needs a value has none (`docker run -m` at the end of the line)",
           "give the option its value"),
    _error('KB306',
           "a command line cannot be split into shell words (unclosed quote)",
           "close the quote"),
    _warning('KB307',
             "a hidden old spelling of an option is used (`--net`, `--time`)",
             "use the current spelling the message names"),
    _warning('KB308',
             "an option the CLI marks as deprecated is used",
             "use the replacement the CLI names, or mark the page's text as outdated"),
    _warning('KB309',
             "a CLI plugin command (`docker compose`) is used: not in the snapshot, options not "
             "checked",
             "nothing to do unless the plugin's options are wrong: they are not checked"),
    _error('KB310',
           "a flags marker `<!-- flags: docker X -->` names a docker command that does not exist",
           "write <!-- flags: docker run --> or <!-- flags: stress -->"),
    _error('KB311',
           "a flag table lists an option the documented command does not have",
           "remove the row, or fix the option's spelling"),
    _error('KB312',
           "a flag table pairs a short and a long form that are different options (`-c`, "
           "`--memory`)",
           "pair the short and long form of the same option"),
    _error('KB313',
           "a flag table row lacks the option's short or long form, or does not put the short "
           "form first",
           "write the short form first, then the long form: `-m`, `--memory`"),
    _error('KB314',
           "a flag table claims a default that differs from the CLI's stated default, or writes "
           "it without backticks",
           "write the CLI's default in backticks, or leave the cell empty and explain the "
           "behaviour in the description"),
    _error('KB315',
           "a flag table's option cell is not backticked options (`-m`, `--memory`), or holds "
           "more than one option",
           "give each option its own row"),
    _error('KB316',
           "a table lists options but has no `<!-- flags: ... -->` marker above it",
           "put <!-- flags: docker run --> (the docker command it documents) or <!-- flags: "
           "PROGRAM --> (another program) on the line right above the table"),
    _error('KB317',
           "a table of another program's options names a docker command as the program, or the "
           "paragraph above it does not say whose options they are",
           "name the program in the marker and say whose options they are in the paragraph above"),
    _warning('KB318',
             "a flag table documents a hidden or deprecated option",
             "remove the row, or say in the description that the option is hidden or deprecated"),
    _error('KB319',
           "a flag table lists the same option twice",
           "remove one of the rows"),
    _error('KB320',
           "a flag table documents a docker command that has no section in the flag index "
           "(every command a page's flag table documents is in the index)",
           "add the command's section to data/flag-descriptions.yml and run kb gen flag-index"),
    _error('KB330',
           "a `<!-- cli-check: ignore -->` comment gives no reason",
           "write <!-- cli-check: ignore=\"why this wrong command is shown\" -->"),
    # KB5xx examples
    _error('KB501',
           "an example's output differs from what the engine printed, or a command timed out",
           "if the engine is right, take its output with kb examples --update"),
    _error('KB504',
           "an example uses an image that is not on the engine (no registry: see kb images)",
           "build it with kb images (which knows the images pages may use), or build and tag it "
           "in an earlier example of this page"),
    _error('KB505',
           "a file= example writes outside the examples' working folder",
           "use a name like Dockerfile or app/run.sh"),
    _error('KB506',
           "an example is not a console block, has no $ line, or has a bad wait= value",
           "use ```console with $ lines, or file=NAME for a file"),
    _error('KB507',
           "cleanup after a page failed",
           "remove it by hand; the runner only removes what it created"),
    _error('KB508',
           "something created by the examples was left on the engine",
           "the runner's cleanup missed it: report a bug"),
    _error('KB509',
           "the runner itself failed on a page (a bug: report it)",
           "report this as a bug of src/kbtools/examples/runner.py"),
    _error('KB510',
           "an example runs an image that has no local recipe",
           "use busybox, build the image in an earlier example, or add a recipe to kb images"),
    _error('KB511',
           "an example's requires= names an engine property the runner does not know",
           "use a property the runner knows: cgroup-v1 or cgroup-v2"),
    _warning('KB512',
             "a command that is not run names an image without a local recipe",
             "fine when the command is only shown; add a recipe to kb images to run it"),
    # KB6xx glossary
    _error('KB601',
           "data/glossary.yml is missing or is not valid YAML",
           "create it: a YAML list of terms, see the comment in its git history"),
    _error('KB602',
           "a glossary entry is not a mapping, lacks a required key or has an unknown one",
           "write 'id:', 'zh:', 'en:', ... under the '-'"),
    _error('KB603',
           "a glossary id is missing, not a valid anchor, or used twice",
           "lowercase ascii words joined by '-', e.g. 'bridge-network'"),
    _error('KB604',
           "a glossary anchor is not a heading id of the term's page",
           "write the id without '#', e.g. 'cgroups'"),
    _error('KB605',
           "a spelling belongs to two glossary terms",
           "a word may belong to one term only"),
    _error('KB606',
           "a glossary term or definition spans several lines",
           "a definition is one line"),
    _error('KB607',
           "a glossary term's page is not a page path, or the page does not exist in both "
           "languages",
           "write the Chinese file name under docs/, e.g. 'containers/lifecycle.md'"),
    _error('KB608',
           "the generated glossary pages are out of date (run kb gen glossary)",
           "run kb gen glossary"),
    _error('KB609',
           "a glossary term or definition contains < > or \" (glossary text is plain text)",
           "glossary text is plain text, never HTML: remove < > \" (write quotes as “ ”)"),
    # KB7xx offline
    _warning('KB701',
             "no verified engine is recorded in data/verified-engine.yml (the cover says so)",
             "the example runner writes engine_version, client_version and verified_on there; "
             "the cover says the version is not recorded"),
    _error('KB702',
           "the built site lacks a page of the nav (build the site first)",
           "build the site first: mkdocs build, or omit --site-dir to let this script build it"),
    _error('KB703',
           "an image of a page is missing from the built site",
           "check the image path on the page"),
    # KB8xx data
    _error('KB801',
           "a data file (data/*.yml) cannot be read: not UTF-8, too large, not valid YAML, or "
           "not the expected shape",
           "fix the file at the line named; the message says what is expected"),
    _error('KB802',
           "a plain-text field of a data file contains < > or \" (titles, tags, glossary terms "
           "and definitions are text, never HTML)",
           "a tag name is plain text: remove < > \""),
    _error('KB803',
           "a symbolic link under docs/, overrides/ or data/ (it could publish any file of the "
           "machine)",
           "commit the file itself: git rm the link, copy the content"),
    _error('KB804',
           "an SVG file holds something other than drawing elements (script, event attribute, "
           "foreignObject, external link or image)",
           "diagrams are drawings only: shapes, text, markers, styles; link to pages from the "
           "Markdown, not from the SVG"),
    _error('KB805',
           "a page is too large or is not UTF-8 text",
           "split the page, or save it as UTF-8"),
    _error('KB806',
           "a file type under docs/ that the site does not serve (only pages, images, CSS)",
           "keep only pages (.md), images and CSS under docs/"),
    _error('KB810',
           "an example line is not one plain docker command (pipes, ;, &&, $( ), backticks, "
           "variables, redirections, prefixes or other programs)",
           "write one plain docker command per $ line; put files in file= blocks"),
    _error('KB811',
           "an example gives a container access to the host (privileged, capabilities, security "
           "options, host namespaces or network, devices, host paths, the Docker socket)",
           "drop it; show it in a skip=\"...\" example if the page explains it"),
    _error('KB812',
           "an example talks to another engine or changes the engine as a whole (-H, --context, "
           "--config, swarm, plugins, prune)",
           "show it in a skip=\"...\" example instead"),
    _error('KB813',
           "an example talks to a registry other than the local test registry localhost:5000",
           "use a local image"),
    _error('KB814',
           "an example acts on a container, image, volume or network its page did not create",
           "create the object earlier on the same page, with a name that starts with the page's "
           "slug"),
    _error('KB815',
           "an entry of data/example-policy-allow.yml is malformed or has no reason",
           "write '- page: ...', 'allow: ...', 'reason: ...'"),
]

#: code -> rule, in code order
RULES: dict[str, Rule] = {rule.code: rule for rule in sorted(_RULES, key=lambda r: r.code)}
assert len(RULES) == len(_RULES), "a rule code is declared twice"


def rule(code: str) -> Rule:
    """The declared rule, or a KeyError that names the undeclared code (a bug of a checker)."""
    try:
        return RULES[code]
    except KeyError:
        raise KeyError(f"rule {code} is not declared in kbtools/rules.py") from None


def family(code: str) -> Family:
    return next(f for f in FAMILIES if code.startswith(f.prefix))


def selected(code: str, select: list[str] | None, ignore: list[str] | None) -> bool:
    """Whether ``kb lint --select/--ignore`` (codes or prefixes) keep a problem of ``code``."""
    if select and not any(code.startswith(prefix) for prefix in select):
        return False
    return not (ignore and any(code.startswith(prefix) for prefix in ignore))
