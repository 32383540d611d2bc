package config

// The Accept headers TFB sends. Its load generator asks for text first on
// plaintext and for JSON first on every other test type; its verifier asks
// the same, except for fortunes, which it asks for as a browser asks for a
// page.
const (
	AcceptJSON      = "application/json,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7"
	AcceptPlaintext = "text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7"
	AcceptHTML      = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
)

// LoadAccept is the Accept header TFB's load generator sends for tt.
func LoadAccept(tt TestType) string {
	if tt == Plaintext {
		return AcceptPlaintext
	}
	return AcceptJSON
}

// VerifyAccept is the Accept header TFB's verifier sends for tt.
func VerifyAccept(tt TestType) string {
	if tt == Fortune {
		return AcceptHTML
	}
	return LoadAccept(tt)
}
