# bench/post-lua.sh: sourced by bench/comments.sh and bench/pg-nodes.sh.
#   post_lua URL DIR OUT   fetches the article page at URL (keeping its
#                          cookie in DIR/jar) and writes to OUT a wrk script
#                          posting comments as the page's form would, with
#                          that visitor's anti-forgery cookie and fields.
post_lua() {
	curl -s -c "$2/jar" "$1" >"$2/page.html"
	csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$2/page.html")
	ts=$(sed -n 's/.*name="ts" value="\([0-9a-f.]*\)".*/\1/p' "$2/page.html")
	cat >"$3" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "gz_csrf=$csrf"
wrk.body = "csrf=$csrf&ts=$ts&author=Bench&website2=&body=A+benchmark+comment+with+*emphasis*+and+a+%5Blink%5D%28https%3A%2F%2Fexample.com%2F%29."
LUA
}
