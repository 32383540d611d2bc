package config

// PlatformClassification is TFB's classification of an entry that is its
// platform itself, with no framework on top (net/http for Go, fasthttp).
const PlatformClassification = "Platform"

// PlatformEntries maps each test to the entry it runs on: the test of c
// classified as a platform (PlatformClassification) whose platform is the
// test's, as gin's platform Go is nethttp's. A test that is a platform
// entry itself, or whose platform has none in c, is left out.
func (c *Config) PlatformEntries() map[string]string {
	platform := map[string]string{}
	for _, t := range c.Tests {
		if t.Classification == PlatformClassification && t.Platform != "" {
			if _, taken := platform[t.Platform]; !taken {
				platform[t.Platform] = t.Name
			}
		}
	}
	out := map[string]string{}
	for _, t := range c.Tests {
		if p, ok := platform[t.Platform]; ok && p != t.Name {
			out[t.Name] = p
		}
	}
	return out
}
