/* admin.js: progressive enhancement for the admin pages. Everything works
 * without it: the Preview button posts the form and the server renders the
 * preview. With it, the preview follows the text as it is typed. */
(function () {
	"use strict";

	function livePreview(textarea) {
		var target = document.getElementById(textarea.dataset.preview);
		var form = textarea.form;
		var timer = null;
		var seq = 0;

		if (!target || !form || !window.fetch)
			return;
		function send() {
			var mine = ++seq;
			var body = new URLSearchParams();

			body.set("csrf", form.elements.csrf.value);
			body.set("body", textarea.value);
			/* The body's format decides how it is read. */
			if (form.elements.format && form.elements.format.value)
				body.set("format", form.elements.format.value);
			fetch("/admin/preview", {
				method: "POST",
				credentials: "same-origin",
				headers: { "Content-Type":
				    "application/x-www-form-urlencoded" },
				body: body.toString()
			}).then(function (r) {
				if (!r.ok)
					throw new Error("preview " + r.status);
				return r.text();
			}).then(function (html) {
				/* Only the newest answer is shown; the HTML
				 * is the server's own rendering of the body. */
				if (mine === seq) {
					target.innerHTML = html;
					target.dataset.state = "live";
				}
			}).catch(function () {
				target.dataset.state = "error";
			});
		}
		function later() {
			if (timer)
				clearTimeout(timer);
			timer = setTimeout(send, 300);
		}
		textarea.addEventListener("input", later);
		form.addEventListener("change", function (ev) {
			if (ev.target && ev.target.name === "format")
				later();
		});
		if (target.innerHTML.trim() === "" && textarea.value !== "")
			send();
	}

	document.addEventListener("DOMContentLoaded", function () {
		var areas = document.querySelectorAll("textarea[data-preview]");
		var i;

		for (i = 0; i < areas.length; i++)
			livePreview(areas[i]);
	});
})();
