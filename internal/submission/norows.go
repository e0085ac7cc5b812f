package submission

import "database/sql"

var sqlNoRows = sql.ErrNoRows
