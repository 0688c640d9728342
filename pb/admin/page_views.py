"""The public pages' admin screens: the list of pages, and editing one page's text.

Routes hang on the admin blueprint (imported at the end of ``pb.admin.views``).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from pb.admin.views import bp
from pb.forms import apply_errors
from pb.pages import PageError
from pb.pages import services as pages
from pb.pages.defaults import PAGES
from pb.pages.forms import PageForm
from pb.policy import admin_required

SLUGS = ", ".join(PAGES)


@bp.route("/pages")
@admin_required
def public_pages():
    return render_template("admin/pages.html",
                           pages=[(pages.page(slug), default) for slug, default in PAGES.items()])


@bp.route(f"/pages/<any({SLUGS}):slug>", methods=["GET", "POST"])
@admin_required
def edit_public_page(slug: str):
    if slug not in PAGES:  # the route's converter lists them; this keeps the two in step
        abort(404)
    current = pages.page(slug)
    form = PageForm()
    if request.method == "GET":
        form.title.data, form.body.data = current.title, current.body
    if form.validate_on_submit():
        try:
            pages.save_page(current_user._get_current_object(), slug, form.title.data,
                            form.body.data)
        except PageError as exc:
            apply_errors(form, exc)
        else:
            flash(_("Saved the page %(title)s.", title=form.title.data.strip()), "success")
            return redirect(url_for("admin.public_pages"), 303)
    return render_template("admin/page_form.html", form=form, page=current,
                           default=PAGES[slug]), 400 if form.errors or form.form_errors else 200
