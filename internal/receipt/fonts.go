package receipt

import _ "embed"

// The fonts travel inside the binary: loading them by path would depend on
// the working directory, and the PDF must embed them anyway.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// family is the name the fonts are registered under in each document.
const family = "DejaVu"
