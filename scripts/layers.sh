#!/bin/sh
# layers.sh: checks that each folder of src/ uses only the folders on the
# floors below it (STYLE.md, "A layout that shows the architecture").
#
#   scripts/layers.sh [SRC [BUILD]]
#
# Two views of "uses", so that neither a header nor a prototype written by
# hand can hide an edge: the #include lines of every .c and .h under SRC,
# and, when BUILD holds the objects (BUILD/src/FOLDER/FILE.o), every
# undefined symbol of an object matched to the folder that defines it
# (nm). A use of a folder on a higher floor, or of another folder on the
# same floor, is a back-edge: each is printed with where it is, and the
# script exits 1. On success it prints the order it checked.
set -eu
# A unit is a folder of src/, or a top-level file's name (main, routes).
SRC=${1:-src}
BUILD=${2:-}

# The floors, lowest first; folders on one line share a floor. main and
# routes are the files src/main.c and src/routes.c (and routes.h).
FLOORS='util
render search
store
cache
http
comment auth import
site
admin api
routes
cmd
main'

floors=$(mktemp)
edges=$(mktemp)
trap 'rm -f "$floors" "$edges" "$edges.defs"' EXIT
echo "$FLOORS" | awk '{for (i = 1; i <= NF; i++) print $i, NR - 1}' >"$floors"


# Include edges: "FROMUNIT TOUNIT FILE:LINE".
(cd "$SRC" && grep -n '^#[ \t]*include[ \t]*"' $(find . -name '*.[ch]' | sed 's#^\./##' | sort)) |
awk -F: -v src="$SRC" '
function unit(p) { sub(/\/.*/, "", p); sub(/\.[ch]$/, "", p); return p }
{
	file = $1; lno = $2
	t = $0; sub(/^[^"]*"/, "", t); sub(/".*/, "", t)
	from = unit(file)
	if (t ~ /\//) to = unit(t)
	else if (file ~ /\// && (getline junk < (src "/" substr(file, 1, match(file, /\/[^\/]*$/)) t)) >= 0) to = from
	else to = unit(t)
	if (from != to) print from, to, file ":" lno, "#include \"" t "\""
	# The -int.h of a folder is for that folder only (STYLE.md).
	if (from != to && t ~ /-int\.h$/) print from, "PRIVATE:" to, file ":" lno, "#include \"" t "\""
}' >"$edges"

# Symbol edges from the objects.
if [ -n "$BUILD" ] && [ -d "$BUILD/src" ]; then
	# Only objects whose source is in the tree: a moved file leaves its
	# old object behind.
	objs=$(find "$BUILD/src" -name '*.o' | sed "s#^$BUILD/src/##" | sort |
	    while read -r o; do if [ -f "$SRC/${o%.o}.c" ]; then echo "$o"; fi; done)
	for o in $objs; do
		u=${o%%/*}; u=${u%.o}
		nm --defined-only -g "$BUILD/src/$o" |
		    awk -v u="$u" 'NF == 3 && $2 ~ /[TDBRVW]/ {print $3, u}'
	done | sort -u >"$edges.defs"
	for o in $objs; do
		u=${o%%/*}; u=${u%.o}
		nm -u "$BUILD/src/$o" | awk -v u="$u" -v f="${o%.o}.c" '{print $NF, u, f}'
	done | sort | join - "$edges.defs" |
	    awk '$2 != $4 {print $2, $4, $3, "calls " $1}' >>"$edges"
fi

# Judge every edge by the floors.
awk -v floorsf="$floors" '
BEGIN { while ((getline l < floorsf) > 0) { split(l, a, " "); fl[a[1]] = a[2] } }
{
	from = $1; to = $2
	where = $3; what = ""
	for (i = 4; i <= NF; i++) what = what " " $i
	n++
	if (to ~ /^PRIVATE:/) { sub(/^PRIVATE:/, "", to); printf "layers: %s: %s uses the inside of %s:%s\n", where, from, to, what; bad++; next }
	if (!(from in fl)) { printf "layers: %s: folder %s has no floor (add it to scripts/layers.sh)\n", where, from; bad++; next }
	if (!(to in fl)) { printf "layers: %s: folder %s has no floor (add it to scripts/layers.sh)\n", where, to; bad++; next }
	if (fl[to] > fl[from]) { printf "layers: %s: %s (floor %d) uses %s (floor %d):%s\n", where, from, fl[from], to, fl[to], what; bad++ }
	else if (fl[to] == fl[from]) { printf "layers: %s: %s uses %s on its own floor %d:%s\n", where, from, to, fl[from], what; bad++ }
}
END {
	if (bad) { printf "layers: %d back-edges among %d uses\n", bad, n; exit 1 }
	printf "layers: %d uses between folders, all downwards\n", n
}' "$edges"
echo "$FLOORS" | awk '{ s = s (NR > 1 ? " < " : "") $0; gsub(/ /, ", ", $0) } END {}
	{ line[NR] = $0 } END { for (i = 1; i <= NR; i++) o = o (i > 1 ? " < " : "") line[i]; print "layers: " o }'
