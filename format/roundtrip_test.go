package format_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/jirga/jirga/examples"
	"github.com/jirga/jirga/format"
)

// TestRoundTripExamples reads every built-in example, writes it as jirga
// YAML and JSON, and reads it back: the scenarios must be equal, so that
// import → convert → import is lossless.
func TestRoundTripExamples(t *testing.T) {
	for _, e := range examples.All() {
		t.Run(e.Name, func(t *testing.T) {
			ss, err := examples.Load(e.Name, format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range []string{format.YAML, format.JSON} {
				var buf bytes.Buffer
				if err := format.Write(&buf, ss, to); err != nil {
					t.Fatal(err)
				}
				// Detection, not the format name, must find the way back.
				back, err := format.Read("converted", buf.Bytes(), format.Options{})
				if err != nil {
					t.Fatalf("%s: %v", to, err)
				}
				if !reflect.DeepEqual(ss, back) {
					t.Errorf("%s round trip changed the scenario", to)
				}
				// Writing again gives the same bytes: conversion is stable.
				var again bytes.Buffer
				if err := format.Write(&again, back, to); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), again.Bytes()) {
					t.Errorf("%s: second conversion differs from the first", to)
				}
			}
		})
	}
}

// TestRoundTripFull does the same for testdata/full.yaml, which sets every
// field of the format once, and checks that YAML and JSON read the same.
func TestRoundTripFull(t *testing.T) {
	y, err := format.ReadFile("testdata/full.yaml", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := format.ReadFile("testdata/full.json", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y, j) {
		t.Fatal("full.yaml and full.json differ; regenerate full.json with jirga convert testdata/full.yaml --to json")
	}
	for _, to := range []string{format.YAML, format.JSON} {
		var buf bytes.Buffer
		if err := format.Write(&buf, y, to); err != nil {
			t.Fatal(err)
		}
		back, err := format.Read("full."+to, buf.Bytes(), format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(y, back) {
			t.Errorf("%s round trip changed the scenario", to)
		}
	}
}
