fn main() {
    println!("secdeck");
}
