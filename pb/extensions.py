"""Flask extensions, created once here and bound to the app in the factory."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The highest page number any list serves. Page numbers come from URLs: one beyond a
# 64-bit OFFSET (page=99999999999999999999) made SQLite raise OverflowError and
# PostgreSQL DataError, a 500 on every paginated page.
MAX_PAGE = 1_000_000


class Database(SQLAlchemy):
    def paginate(self, select, *, page: int | None = None, **kwargs):
        """Flask-SQLAlchemy's ``paginate``, with the page number kept below ``MAX_PAGE``.

        A larger page is past the end of any list, so it gets what such a page gets
        (an empty page, or 404 with ``error_out``) instead of an overflow.
        """
        if page is None:
            from pb.forms import page_arg

            page = page_arg()
        return super().paginate(select, page=min(page, MAX_PAGE), **kwargs)


db = Database(model_class=Base)
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
