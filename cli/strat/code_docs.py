"""Documentation of the diagnostic codes that are not alignment rules: files and YAML
(E001–E008), schemas (S101–S105), references (R201–R204) and ignore comments (I001).

The alignment rules (A3xx) carry their documentation in their own module docstrings, and
so does R205 (conflicting readings, `strat.rules.r205_conflicting_readings`): it judges
the data of Readings documents, so it is a rule module like them.
These codes are reported by the loader (`strat.load`), the schema validator
(`strat.validate`), the model (`strat.model`), the reference checker (`strat.refs`) and
the ignore-comment handling (`strat.ignores`), so their documentation is kept here. It uses
the same format: a one-sentence summary line, then `## What it checks`, `## Why it
matters`, `## Fails` and `## Passes`. `strat.codes` reads `CODE_DOCS` for
`strat explain`, `strat rules` and the rule pages of the site. When the code that reports a
finding changes, update its text here as well.
"""

from __future__ import annotations

CODE_DOCS: dict[str, tuple[str, str]] = {
    "E001": ("yaml-syntax", """Not valid YAML: the file cannot be parsed, so none of its contents are checked.

## What it checks
Every strategy file parses as YAML. The finding gives the line and column where the parser
stopped and explains the problem: an unclosed quote, a bad indent, a missing `:` after a
key, or a tab used for indentation (YAML indents with spaces only). The parser often
notices a problem a line or two after its cause, so also check the lines just above the
reported one. A file with a syntax error is not read any further. Its documents are missing
until it parses, so references to them from other files may also fail (R201).

## Why it matters
A file that does not parse takes every goal, metric or decision in it off the published
site and out of every other check, without saying so. Catching the error in the pull
request, at the exact line, is cheaper than finding out after the merge that a team's goals
have disappeared from the map.

## Fails
```yaml
kind: Goal
id: self-serve-setup
title: "New accounts set themselves up without a call
owner: lpark
```
`not valid YAML: found unexpected end of stream (while scanning a quoted scalar)`

## Passes
```yaml
kind: Goal
id: self-serve-setup
title: "New accounts set themselves up without a call"
owner: lpark
```
"""),
    "E002": ("duplicate-key", """Duplicate key: the same field appears twice in one mapping.

## What it checks
No mapping in a strategy file uses the same key twice. This applies to the top level of a
document and to nested mappings such as `outcome` or a `joint` entry. The finding is at the
second occurrence and gives the line of the first. Many YAML tools silently keep the last
value; strat reports the duplicate, keeps the first value and checks the rest of the file.

## Why it matters
A reviewer reading the diff sees the line that was added, not the older line further down
that overrides it. A goal can show `target: 62` in review while the same mapping says
`target: 55` a few lines below. Other YAML tools would then publish whichever value they
keep, and nobody would notice. Whatever the author meant, one of the two lines is wrong:
delete it.

## Fails
```yaml
kind: Goal
id: self-serve-setup
outcome:
  metric: activation-rate
  baseline: 52
  target: 62
  current: 57
  target: 55        # E002: duplicate key `target` (first defined 3 lines up)
```

## Passes
```yaml
outcome:
  metric: activation-rate
  baseline: 52
  target: 62
  current: 57
```
"""),
    "E003": ("not-utf8", """Not UTF-8 text: the file uses another encoding or contains control characters.

## What it checks
Every strategy file is UTF-8 text (a UTF-8 byte-order mark is accepted). The file is
refused when it contains:
- a byte that is not valid UTF-8 (reported at its line and column). This is usually a file
  saved as Latin-1 or Windows-1252 by an older editor or a spreadsheet export (`é`, `€`, `’`);
- UTF-16 or UTF-32 encoding, which some Windows editors and PowerShell use by default;
- a control character anywhere in the text: C0 controls other than tab, newline and
  carriage return; DEL; C1 controls; line separators U+2028/U+2029; U+FFFE and U+FFFF.

## Why it matters
People read strategy text in pull-request diffs and on the published site. An invisible
control character or a wrongly encoded byte can look one way in review and another way on
the site. Line separators also shift every line number that strat and your editor report.
Saving the file as UTF-8 avoids all of these problems.

## Fails
This metric was saved in Windows-1252, where `€` is the single byte 0x80:
```yaml
kind: Metric
id: arr-europe
name: ARR Europe (€)      # E003: byte 0x80 cannot be decoded
unit: EUR
```

## Passes
Save the same file as UTF-8, using the editor's "Save with encoding" option or
`iconv -f WINDOWS-1252 -t UTF-8 old.yaml > arr-europe.yaml`:
```yaml
name: ARR Europe (€)
```
"""),
    "E004": ("not-a-mapping", """Not a mapping: a document is a list, a single value, empty or `~`, or it has no `kind`.

## What it checks
Every YAML document in a file (several may be separated by `---`) is a mapping of fields
whose `kind` says what it is. The finding is at the start of the document and covers:
- the document is a list or a single value;
- the document is `~` or `null`: it holds nothing;
- the document is empty between two `---` markers (nothing, or only comments, between them);
- the document is a mapping with no `kind`, or with `kind` left empty.
A bare `---` at the end of a file (an empty last document) is a common habit and is not
reported; comments after it are E008, like a file that holds no document at all. An
unknown `kind` is S101.

## Why it matters
Without `kind`, strat cannot tell a goal from a metric. The schema, reference and
alignment checks cannot run on the document, and it does not appear on the site. Common
causes are a list pasted at the top level (`- id: ...`), a copied document that lost its
first line, or fields indented under a stray key. An empty or `~` document is what is left
of a goal that was commented out or cut by a merge: it adds nothing, and nothing else says
that the goal is gone.

## Fails
```yaml
- kind: Metric
  id: activation-rate
  name: 30-day activation rate
---
id: time-to-first-schedule
name: Days from signature to first full schedule
```

## Passes
```yaml
kind: Metric
id: activation-rate
name: 30-day activation rate
---
kind: Metric
id: time-to-first-schedule
name: Days from signature to first full schedule
```
"""),
    "E005": ("resource-limit", """Over a resource limit: an anchor or alias, deep nesting, a huge file or a huge number.

## What it checks
Limits no real strategy file comes near. The file is refused at the first problem found:
- a YAML anchor (`&name`) or alias (`*name`), at the anchor or alias;
- mappings and lists nested more than 64 levels deep;
- a file larger than 2 MiB (split it: a folder holds any number of files);
- an integer with more than 400 digits.

## Why it matters
With an alias, one line stands for content written elsewhere. A reviewer approving
`target: *four-days` does not see its value, and a later change to the anchor changes every
place that uses it without those places appearing in the diff. An "alias bomb", a few lines
of aliases of aliases, parses in milliseconds but expands without bound: the site build,
editor plugins or any script reading the data runs out of memory, and CI with them.
In strategy files, explicit beats short: write every value out, even when it repeats.

## Fails
```yaml
kind: Goal
id: first-schedule-in-four-days
outcome: {metric: time-to-first-schedule, baseline: 11, target: &four-days 4}
joint:
  - department: sales
    commitment: Every mid-market proposal promises a first full schedule in 4 days
    target: *four-days
```

## Passes
```yaml
outcome: {metric: time-to-first-schedule, baseline: 11, target: 4}
joint:
  - department: sales
    target: 4            # written out, like the outcome's
```
"""),
    "E006": ("unsafe-path", """Cannot be read safely: a symlink out of the repository, a bad link, a submodule, or no permission.

## What it checks
strat collects every `*.yaml` and `*.yml` file below the strategy folder. It follows a
symbolic link only if the target is inside the repository. The finding is at the link or
file and covers:
- a symlink whose target is outside the repository (the target is never read);
- a symlink loop, or a broken `*.yaml` symlink whose target does not exist;
- a file or folder that cannot be read because of denied permission or another I/O error;
- a folder that is another git repository: a git submodule, or a clone with its own `.git`.
  It gets one finding and none of its files are read, unless strat.yaml's `include` or
  `exclude` leave it out (`exclude: ["vendor/**"]`). Run inside that folder, strat takes
  it for the repository it is and lints it on its own.
Files and folders whose names start with a dot, such as `.git`, are skipped silently.

## Why it matters
`strat lint` checks the contents of pull requests in CI, and the site publishes what strat
reads. Without this check, a pull request could add a link such as
`goals/notes.yaml -> /home/runner/.ssh/id_rsa`. The CI machine would then read a secret
that could end up in an error message or on the public site. A broken link or an
unreadable file means part of the strategy is missing from the checks and from the site,
with no other warning. Links are checked before any file is opened, never afterwards.
A submodule's files belong to another repository: its history is not this one's, so a
pull request that moves the submodule to another commit shows reviewers one changed line,
not the goals that changed, and `strat diff` and `strat history` cannot follow them.

## Fails
```console
$ ls -l strategy/goals/
self-serve-setup.yaml -> /home/lpark/notes/self-serve-setup.yaml   # outside the repository
q3-targets.yaml -> ../drafts/q3-targets.yaml                       # target deleted
```

## Passes
Commit the file itself instead of a link. Links to files inside the repository work:
```console
$ cp --remove-destination /home/lpark/notes/self-serve-setup.yaml strategy/goals/
$ git rm strategy/goals/q3-targets.yaml
```
"""),
    "E007": ("refused-yaml-feature", """Refused YAML feature: a tag, a directive, a `<<` merge key or a key that is not text.

## What it checks
Strategy files use plain YAML: mappings, lists, text, numbers, booleans and null. strat
refuses the file and reports the first of these it finds:
- an explicit tag, such as `!!python/object:...`, `!!binary`, `!!str` or a custom `!ref`;
- a `%YAML` or `%TAG` directive at the top of the file;
- a merge key `<<: ...` that copies fields from another mapping;
- a mapping key that is a list or a mapping (`? [a, b]`) instead of text.

## Why it matters
Each can make a file mean something other than what the reviewer reads. A tag changes how
a value is loaded: strat refuses `!!python/object/apply:os.system`, but an old script, a
notebook or a dashboard job that loads the file with an unsafe YAML loader would run that
command. A directive changes how the whole file is read. Like aliases (E005), a merge key
pulls in fields the diff does not show. For text that looks like a number or a boolean,
quote it (`"2026"`, `"yes"`) instead of using a tag.

## Fails
```yaml
kind: Metric
id: arr
name: !!str Annual recurring revenue
unit: USD
<<: {type: lagging, better: up, financial: true}
```

## Passes
```yaml
name: Annual recurring revenue
unit: USD
type: lagging
better: up
financial: true
```
"""),
    "E008": ("nothing-to-read", """Nothing to read: a strategy file holds no document (empty, whitespace or comments only).

## What it checks
Every `*.yaml` or `*.yml` file under the strategy folder holds at least one document. The
finding is a warning, at the file's first comment line (line 1 when it has none), for:
- an empty file, or one with only spaces, blank lines or a byte-order mark;
- a file with only comments, or only `---`/`...` markers and comments;
- a file whose part after its last `---` holds only comments (a document commented out at
  the end of a multi-document file).
A document that is `~`, or empty between two `---` markers, is E004 (an error). `strat.yaml`
may be empty: that means the defaults. To keep a placeholder file on purpose, write the
reason on its first line: `# strat: ignore[E008] goals for 2027 go here`.

## Why it matters
A goal that was commented out, or emptied by a bad merge or a truncated copy, disappears
from the alignment map, the site and every check, and a lint that says "All clear" gives
nobody a reason to look. The warning names the file, so the pull request that emptied it
shows it. It is a warning, not an error, because an empty file breaks nothing else; run
`strat lint --strict` (or set `E008: error` in strat.yaml) to make it fail CI.

## Fails
```yaml
# kind: Goal
# id: first-schedule-in-four-days
# title: First full schedule within four days of signature
```

## Passes
```yaml
kind: Goal
id: first-schedule-in-four-days
title: First full schedule within four days of signature
```
"""),
    "S101": ("unknown-kind", """Unknown kind: a document's `kind` is not one that strat knows.

## What it checks
`kind` must be one of `Strategy`, `Person`, `Department`, `Team`, `Metric`, `Objective`,
`Plan`, `Goal`, `Initiative` or `Decision`, written with a capital first letter. The
finding is at the `kind` value and suggests the closest kind ("did you mean `Goal`?"),
including when only the capitalisation differs. A document with no `kind` at all is
reported as E004.

## Why it matters
The kind determines which fields a document may have and which checks apply to it. A
document with an unknown kind is skipped by every other check and does not appear on the
site. A goal written as `kind: goal` or `kind: OKR` therefore drops out of the alignment
map. Nobody is told that it has no owner or parent, and every reference to its id fails
(R201) because strat cannot see it.

## Fails
```yaml
kind: goal
id: self-serve-setup
title: New accounts set themselves up without a call
owner: lpark
```
``unknown kind `goal`; did you mean `Goal`?``

## Passes
```yaml
kind: Goal
id: self-serve-setup
title: New accounts set themselves up without a call
owner: lpark
```
"""),
    "S102": ("missing-field", """Missing field: a required field is not there.

## What it checks
Each kind has required fields (see `strat schema KIND`), and so do entries inside a
document: a goal's `outcome` needs `metric`, `baseline` and `target`. The finding is at the
mapping that lacks the field: the start of the document, or the nested entry. Two
requirements are a choice between fields:
- a Goal names exactly one of `team`, `department` or `person` (naming two is S104);
- an Objective has a `due` date or a `period`, or both.

## Why it matters
A goal with no `owner` has no one to ask; with no `target` it cannot show progress; with no
`team` it is missing from its team's page and ROI. The alignment rules skip the document
until it is fixed. In the pull request, the author fills the gap while the context is fresh.

## Fails
```yaml
kind: Goal
id: self-serve-setup
owner: lpark
parent: cut-logo-churn
outcome:
  metric: time-to-first-schedule
  baseline: 11
```
Two findings: no `team`, `department` or `person`, and no `outcome.target`.

## Passes
```yaml
team: onboarding-activation
outcome:
  metric: time-to-first-schedule
  baseline: 11
  target: 4
```
"""),
    "S103": ("unknown-field", """Unknown field: a field that the document's kind does not have, usually a typo.

## What it checks
Every key in a document, and in the mappings inside it, must be a field defined for its
kind. The finding is at the key. It suggests the closest field ("did you mean
`status`?"), or lists the fields allowed there when none is close. Keys that start with
`x-` are never reported. They are for your own data that strat does not model, such as a
tracker link or a budget code.

## Why it matters
A misspelt field is not merely ignored: its value is lost. With `staus: dropped`, the goal
stays `active` on the site and in every count. With `supprots: [expand-and-retain]`, the
secondary link never appears. YAML cannot tell a typo from a new field, so strat treats
every unknown key as a mistake. `x-` keys are the one explicit way to add fields of your
own.

## Fails
```yaml
kind: Goal
id: self-serve-setup
staus: dropped
supprots: [expand-and-retain]
jira: ONB-412
```

## Passes
```yaml
kind: Goal
id: self-serve-setup
status: dropped
supports: [expand-and-retain]
x-jira: ONB-412
```
"""),
    "S104": ("wrong-value", """Wrong value: a field has the wrong type, format or value.

## What it checks
The finding is at the value and says what was expected and what was found:
- the wrong type: text where a number belongs, or a single value where a list belongs;
- a value outside the allowed set: `status` is `draft`, `active`, `done` or `dropped`;
- the wrong format: ids are lowercase slugs (`a-z`, `0-9` and `-`, at most 80
  characters), dates are real `YYYY-MM-DD` dates (`2026-02-30` is not), and currencies
  are ISO 4217 codes such as `USD`;
- a value out of range: `confidence` between 0 and 1, a plan's `objectives` not empty;
- a goal that names more than one of `team`, `department` and `person`.

## Why it matters
In YAML, unquoted `yes`, `no`, `on` and `off` are booleans: `status: yes` means `true`, not
the word, and strat says so instead of guessing. A target written `62%` is text, so progress
cannot be calculated and the site shows no progress bar. The alignment rules (A3xx) skip a
document with a wrong value, so fix these findings first.

## Fails
```yaml
kind: Goal
id: self-serve-setup
status: yes
outcome: {metric: activation-rate, baseline: 52, target: 62%}
checkins:
  - {date: 2026-02-30, value: 55, confidence: 60}
```

## Passes
```yaml
status: active
outcome: {metric: activation-rate, baseline: 52, target: 62}   # the metric's unit is "%"
checkins:
  - {date: 2026-02-28, value: 55, confidence: 0.6}
```
"""),
    "S105": ("one-strategy", """One Strategy: the repository has no Strategy document, or more than one.

## What it checks
Exactly one document in the strategy folder has `kind: Strategy`. If there is none, the
finding is at the first document in the repository by file path. If there are several,
strat uses the first one, ordered by file path and then by position in the file. Each
extra one is reported at its `kind`, and the message says where the first one is.

## Why it matters
The Strategy document holds what everything else depends on: the mission, the North Star
metric, the values that decisions cite and the periods that goals are planned in. Without
it, `period: 2026-h2` and a decision's `values` cannot be resolved, and the site has no
home page. With two, a draft copy can silently replace the live strategy. For example,
`strategy/drafts/strategy.yaml` sorts before `strategy/strategy.yaml`, so its North Star
and values would be the ones used.

## Fails
```yaml
# strategy/drafts/strategy.yaml, next to strategy/strategy.yaml
kind: Strategy
id: fieldwise-2027
company: Fieldwise, Inc.
north_star: weekly-active-dispatchers
```

## Passes
Make the change in the one Strategy document, in a pull request. The diff and
`strat diff` show exactly what changes, and git keeps the old version:
```yaml
# strategy/strategy.yaml
kind: Strategy
id: fieldwise
company: Fieldwise, Inc.
north_star: weekly-active-dispatchers    # was weekly-jobs-completed
```
"""),
    "R201": ("unknown-reference", """Unknown reference: a field names an id that no document defines.

## What it checks
Fields that refer to other entities (a goal's `parent`, `team`, `owner`, `outcome.metric`,
a metric's `drives`, a decision's `supersedes`, …) name an id defined in the strategy
folder; a `period` names one of the Strategy's `periods`, a decision's `values` its
`values`. The finding is at the reference. When an id of the right kind is close, strat
suggests it ("did you mean `cut-logo-churn`?") and points to it. A reference that is not a
valid id at all is S104.

## Why it matters
A reference to a missing id is a broken link in the alignment map. The goal drops off its
objective's page, nobody owns it and its progress counts toward nothing. Common causes are
a typo, a rename that missed a file, or a reference to an entity that is added in another
pull request that has not been merged yet. The alignment rules skip an entity with a
broken reference until it is fixed, so one typo does not cause a long list of follow-on
findings.

## Fails
```yaml
kind: Goal
id: self-serve-setup
team: onboarding-activation
parent: cut-logo-chrun          # did you mean `cut-logo-churn`?
outcome: {metric: activation, baseline: 52, target: 62}
```

## Passes
```yaml
parent: cut-logo-churn
outcome: {metric: activation-rate, baseline: 52, target: 62}
```
"""),
    "R202": ("duplicate-id", """Duplicate id: two documents define the same id.

## What it checks
Every `id` is unique across the whole strategy folder, including across kinds: a Metric
and a Goal cannot both be `activation-rate`. The later definition, ordered by file path and
then by position in the file, is reported at its `id`. The first definition is named in the
message and given as a related location, so both places are shown. Within the Strategy
document, the ids of `values` must be unique, and so must the ids of `periods`.

## Why it matters
References use the id alone. With two documents named `activation-rate`, neither people nor
tools can tell which one a goal's `outcome.metric` means. strat keeps the first, so the
second does not appear on the site. Duplicates usually come from copying a file as a
template and forgetting to change its id, or from two pull requests that add the same id.
Both cases merge cleanly in git, so only a check like this one catches them.

## Fails
```yaml
# strategy/metrics/trial-activation-rate.yaml, copied from activation-rate.yaml
kind: Metric
id: activation-rate
name: Share of trials that schedule 20 jobs in 14 days
```
``id `activation-rate` is already used by the Metric at strategy/metrics/activation-rate.yaml:3:5``

## Passes
Give the new metric an id of its own, usually the file name:
```yaml
kind: Metric
id: trial-activation-rate
name: Share of trials that schedule 20 jobs in 14 days
```
"""),
    "R203": ("wrong-kind-reference", """Wrong kind of reference: a field names an existing id of the wrong kind.

## What it checks
Each reference field accepts certain kinds. A goal's `parent` must be an Objective or a
Goal, its `outcome.metric` a Metric, its `owner` a Person and its `team` a Team, and a
decision's `supersedes` must be a Decision. The finding is at the reference. It says what
the field must name, what kind the id actually is, and where that id is defined.

## Why it matters
The id exists, so the problem is what it refers to. The usual mistakes are a goal whose
`parent` names the metric it moves (`activation-rate`) instead of the objective that
metric serves, or a `team` field that names a department. Either way, the goal has no place
in the map from objectives down to teams. The alignment rules skip the entity until the
reference is fixed.

## Fails
```yaml
kind: Goal
id: self-serve-setup
team: onboarding-activation
parent: activation-rate        # R203: `activation-rate` is a Metric
outcome: {metric: activation-rate, baseline: 52, target: 62}
```

## Passes
```yaml
kind: Goal
id: self-serve-setup
team: onboarding-activation
parent: cut-logo-churn         # the Objective that activation-rate drives
outcome: {metric: activation-rate, baseline: 52, target: 62}
```
"""),
    "R204": ("reference-cycle", """Reference cycle: goals, decisions or metrics refer to each other in a loop.

## What it checks
Three relations never loop: a goal's `parent` chain, a decision's `supersedes` chain and
the metric tree (each metric's `drives`). A goal that is its own parent is a loop of one.
Each strongly connected group gives one finding, however many loops it holds: the shortest
loop through the group's alphabetically first id (`a → b → a`), reported where that loop
starts, with the other members as related locations.

## Why it matters
A loop has no top. A goal in a parent loop never reaches an objective, so nobody can say
which business result it serves; a `drives` loop (A moves B, B moves A) does not explain how
work reaches the North Star. Loops usually come from two pull requests that each re-parent
a goal, or from a `supersedes` that points the wrong way. The alignment rules skip the
members of a loop until it is broken.

## Fails
```yaml
kind: Decision
id: price-per-active-technician
supersedes: price-per-seat
---
kind: Decision
id: price-per-seat
supersedes: price-per-active-technician   # the older decision points back
```

## Passes
Only the newer decision names the older one; the older one changes its status:
```yaml
id: price-per-seat
status: superseded
```
"""),
    "I001": ("ignore-comment", """Ignore comment: an ignore comment silences nothing, names an unknown code or has no reason.

## What it checks
An ignore comment at the end of a line silences findings with the named codes on that same
line. One comment can name several codes: `# strat: ignore[A304, A305] reason`. strat
reports the comment itself, at the comment, when:
- it gives no reason after the bracket (a comment without a reason silences nothing);
- it names a code that does not exist, such as `A340` or `a304`;
- it silences nothing on its line, because the finding was fixed, moved to another line
  or never existed. A code that is turned off or not selected in this run is not counted
  as unused.
The default severity is warning. To make CI fail on it, set `I001: error` under `rules` in
`strat.yaml` or run `strat lint --strict`.

## Why it matters
Every ignore comment is an exception to the strategy's own rules, approved in a pull
request. The reason tells the next reviewer why it was granted, so they can judge whether
it still applies. An ignore that no longer silences anything is clutter. It would also
hide the next real finding on that line, without anyone having decided to. If the code has
a typo, the finding you meant to silence is still reported, and this finding explains why.

## Fails
```yaml
kind: Goal
id: payments-at-the-door
team: payments-invoicing
outcome:
  metric: arr            # strat: ignore[A304]
```

## Passes
```yaml
outcome:
  metric: arr   # strat: ignore[A304] payment fees are this team's own ARR; agreed with finance
```
"""),
}
