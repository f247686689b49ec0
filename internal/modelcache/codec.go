package modelcache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
)

// The cache stores values in an encoding of its own, because neither of
// the standard ones gives back exactly what was stored: encoding/json
// omits the empty slices that the model's omitempty tags name (so an empty
// slice comes back nil, which reflect.DeepEqual, and so diff, tells apart)
// and fields tagged "-" (TableSizes), and turns invalid UTF-8 into U+FFFD;
// encoding/gob drops pointers to zero values (an aggregate's InitCond of
// "") and empty slices alike. This one walks the value by reflection and
// writes every exported field, with nil distinct from empty for slices,
// maps and pointers. Unexported fields, interfaces, functions and channels
// are refused: the model has none.

// errUnsupported is returned for a type the codec cannot write exactly.
var errUnsupported = errors.New("modelcache: type not supported")

// encode appends v to buf. skipFuncs leaves function fields out, as
// option structs have them (loggers) and they are not part of a key.
func encode(buf *bytes.Buffer, v reflect.Value, skipFuncs bool) error {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			buf.WriteByte(1)
		} else {
			buf.WriteByte(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		buf.Write(binary.AppendVarint(nil, v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		buf.Write(binary.AppendUvarint(nil, v.Uint()))
	case reflect.Float32, reflect.Float64:
		buf.Write(binary.AppendUvarint(nil, math.Float64bits(v.Float())))
	case reflect.String:
		putLen(buf, v.Len())
		buf.WriteString(v.String())
	case reflect.Slice:
		if v.IsNil() {
			putLen(buf, -1)
			return nil
		}
		putLen(buf, v.Len())
		for i := range v.Len() {
			if err := encode(buf, v.Index(i), skipFuncs); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := encode(buf, v.Index(i), skipFuncs); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.IsNil() {
			putLen(buf, -1)
			return nil
		}
		// Keys in the order of their encodings, so that equal maps
		// encode alike (a cache key is a hash of such bytes).
		type pair struct{ k, v []byte }
		pairs := make([]pair, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			var kb, vb bytes.Buffer
			if err := encode(&kb, it.Key(), skipFuncs); err != nil {
				return err
			}
			if err := encode(&vb, it.Value(), skipFuncs); err != nil {
				return err
			}
			pairs = append(pairs, pair{kb.Bytes(), vb.Bytes()})
		}
		slices.SortFunc(pairs, func(a, b pair) int { return bytes.Compare(a.k, b.k) })
		putLen(buf, len(pairs))
		for _, p := range pairs {
			buf.Write(p.k)
			buf.Write(p.v)
		}
	case reflect.Pointer:
		if v.IsNil() {
			buf.WriteByte(0)
			return nil
		}
		buf.WriteByte(1)
		return encode(buf, v.Elem(), skipFuncs)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if skipFuncs && f.Type.Kind() == reflect.Func {
				continue
			}
			if !f.IsExported() {
				return fmt.Errorf("%w: unexported field %s.%s", errUnsupported, t, f.Name)
			}
			if err := encode(buf, v.Field(i), skipFuncs); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%w: %s", errUnsupported, v.Type())
	}
	return nil
}

// putLen writes a length, or -1 for nil.
func putLen(buf *bytes.Buffer, n int) {
	buf.Write(binary.AppendVarint(nil, int64(n)))
}

// decoder reads what encode wrote.
type decoder struct {
	b []byte
}

var errCorrupt = errors.New("modelcache: corrupt entry")

func (d *decoder) varint() (int64, error) {
	x, n := binary.Varint(d.b)
	if n <= 0 {
		return 0, errCorrupt
	}
	d.b = d.b[n:]
	return x, nil
}

func (d *decoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errCorrupt
	}
	d.b = d.b[n:]
	return x, nil
}

func (d *decoder) byte() (byte, error) {
	if len(d.b) == 0 {
		return 0, errCorrupt
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c, nil
}

// length reads a length written by putLen: -1 for nil. A length that
// exceeds the bytes left is corrupt, which bounds what a bad entry can
// make decode allocate.
func (d *decoder) length() (int, error) {
	n, err := d.varint()
	if err != nil {
		return 0, err
	}
	if n < -1 || n > int64(len(d.b)) {
		return 0, errCorrupt
	}
	return int(n), nil
}

// decode sets v, which must be settable, from the decoder.
func (d *decoder) decode(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		c, err := d.byte()
		if err != nil || c > 1 {
			return errCorrupt
		}
		v.SetBool(c == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, err := d.varint()
		if err != nil {
			return err
		}
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		v.SetUint(x)
	case reflect.Float32, reflect.Float64:
		x, err := d.uvarint()
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(x))
	case reflect.String:
		n, err := d.length()
		if err != nil || n < 0 {
			return errCorrupt
		}
		v.SetString(string(d.b[:n]))
		d.b = d.b[n:]
	case reflect.Slice:
		n, err := d.length()
		if err != nil || n < 0 {
			return err
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			if err := d.decode(s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			if err := d.decode(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		n, err := d.length()
		if err != nil || n < 0 {
			return err
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		for range n {
			k := reflect.New(v.Type().Key()).Elem()
			e := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(k); err != nil {
				return err
			}
			if err := d.decode(e); err != nil {
				return err
			}
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Pointer:
		c, err := d.byte()
		if err != nil || c > 1 {
			return errCorrupt
		}
		if c == 0 {
			return nil
		}
		p := reflect.New(v.Type().Elem())
		if err := d.decode(p.Elem()); err != nil {
			return err
		}
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if err := d.decode(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("%w: %s", errUnsupported, v.Type())
	}
	return nil
}

// Marshal encodes the value v points to exactly: see the
// comment at the top of this file.
func Marshal(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, errors.New("modelcache: Marshal needs a non-nil pointer")
	}
	var buf bytes.Buffer
	if err := encode(&buf, rv.Elem(), false); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Unmarshal decodes data, written by [Marshal] for a value of the same
// type, into the value v points to.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("modelcache: Unmarshal needs a non-nil pointer")
	}
	d := &decoder{b: data}
	if err := d.decode(rv.Elem()); err != nil {
		return err
	}
	if len(d.b) != 0 {
		return errCorrupt
	}
	return nil
}

// Fingerprint describes the shape of v's type: every type reachable from
// it, with each struct's field names and types in order. It goes into
// keys, so that an entry written for another shape of the model (a build
// that added a field) is never decoded as this one.
func Fingerprint(v any) string {
	var b bytes.Buffer
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		b.WriteString(t.String())
		b.WriteByte(';')
		if seen[t] {
			return
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Slice, reflect.Array, reflect.Pointer:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			b.WriteByte('{')
			for i := range t.NumField() {
				f := t.Field(i)
				b.WriteString(f.Name)
				b.WriteByte(' ')
				walk(f.Type)
			}
			b.WriteByte('}')
		}
	}
	walk(reflect.TypeOf(v))
	return b.String()
}
