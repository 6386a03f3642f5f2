fn main() {
    acompana_desktop::run()
}
