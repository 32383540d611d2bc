// Command nocompile does not compile: the toolset's tests check that a
// build reports the compiler's lines.
package main

func main() {
	undefinedName()
}
