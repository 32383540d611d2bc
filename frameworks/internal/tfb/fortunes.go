package tfb

//go:generate go tool qtc -file fortunes.qtpl

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"sync"
)

// AdditionalFortune is the message of the row the fortune test type adds at
// request time, with id 0.
const AdditionalFortune = "Additional fortune added at request time."

// pageBuffers recycles the buffers pages are rendered into.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Fortunes reads every fortune, adds the request-time fortune, sorts them by
// message and writes the rendered HTML page to w, only once it is complete:
// on error nothing has been written, so the entry may still answer with an
// error status.
func (s *Service) Fortunes(ctx context.Context, w io.Writer) error {
	if err := s.check(); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	fortunes, err := s.pipe.fortunes(ctx)
	cancel()
	if err != nil {
		return err
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer pageBuffers.Put(buf)
	buf.Reset()
	if err := renderFortunes(buf, fortunes); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// renderFortunes adds the request-time fortune, sorts by message and
// renders the page into buf.
func renderFortunes(buf *bytes.Buffer, fortunes []Fortune) error {
	fortunes = append(fortunes, Fortune{ID: 0, Message: AdditionalFortune})
	slices.SortFunc(fortunes, func(a, b Fortune) int { return strings.Compare(a.Message, b.Message) })
	writefortunesPage(buf, fortunes)
	return nil
}
