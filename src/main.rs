fn main() {
    std::process::exit(lathe::cli::main());
}
