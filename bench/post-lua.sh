# bench/post-lua.sh: sourced by bench/comments.sh and bench/pg-nodes.sh.
#   post_lua URL DIR OUT   fetches the article page at URL (keeping its
#                          cookie in DIR/jar) and writes to OUT a wrk script
#                          posting comments as the page's form would: that
#                          visitor's anti-forgery cookie, the form's token.
post_lua() {
	curl -s -c "$2/jar" "$1" >"$2/page.html"
	csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$2/page.html")
	cookie=$(awk '$6 == "gz_csrf" {print $7}' "$2/jar")
	if [ -z "$csrf" ] || [ -z "$cookie" ]; then
		echo "bench/post-lua.sh: no comment form or cookie at $1" >&2
		return 1
	fi
	cat >"$3" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "gz_csrf=$cookie"
wrk.body = "csrf=$csrf&author=Bench&website2=&body=A+benchmark+comment+with+*emphasis*+and+a+%5Blink%5D%28https%3A%2F%2Fexample.com%2F%29."
LUA
}
