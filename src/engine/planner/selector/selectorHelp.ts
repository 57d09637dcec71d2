/**
 * The selector language in a few lines, shown by the Command Palette's input box and by the
 * CLI's `--help`. Kept next to the parser so a new term cannot ship undocumented.
 */
export const SELECTOR_HELP = `\
Select containers with terms separated by spaces; every term must hold.
  !TERM                   negates a term
  a,b                     alternatives inside one value (any may match)
  status=running,exited   state: created running paused restarting removing exited dead
                          (state= is the same)
  label=KEY               has the label; label=KEY=VALUE (glob) or label=KEY= (empty value)
  project=GLOB            compose project (label com.docker.compose.project)
  service=GLOB            compose service (label com.docker.compose.service)
  image=GLOB              image=nginx* matches the repository, any tag; with a tag,
                          image=*:1.2, it matches repository:tag (no tag means :latest)
  name=GLOB, name=/RE/i   container name; a bare word is name=WORD
  host=GLOB               the engine the container lives on
  id=PREFIX               id starts with PREFIX
  age>2h, age<30m         time since creation; units s m h d w, combined as 1d12h
  created>2026-01-01      creation time, ISO date or date-time (UTC unless a zone is given)
  created<2026-01-01T12:00
Globs use * and ? and are case-sensitive, like Docker names; \\ makes the next character
literal. A regex matches anywhere in the name (anchor it with ^ and $); flags i m s u v.
Quote values with spaces or commas: name="my app", label=note="a, b"; inside quotes,
\\" and \\\\ escape. A term on a missing label (project=, service=) never matches.
Example: label=app=web status=running !name=*-canary`;
