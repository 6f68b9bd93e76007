//===- Parameters.td - attribute parameters shared by dialects -*- tablegen -*-//

#ifndef DUPLEX_DIALECT_COMMON_PARAMETERS_TD
#define DUPLEX_DIALECT_COMMON_PARAMETERS_TD

include "mlir/IR/AttrTypeBase.td"

// A double printed in its shortest exact form (989.4, 1.5e+09, 32.0).
// Stored as an APFloat (hashable); read and written as a double.
class DoubleParameter<string desc> : APFloatParameter<desc> {
  let printer = "$_printer << ::duplex::formatDouble($_self.convertToDouble())";
  let parser = "::mlir::FieldParser<::llvm::APFloat>::parse($_parser)";
}

class DefaultDoubleParameter<string desc, string value> :
    DoubleParameter<desc> {
  let defaultValue = "::llvm::APFloat(" # value # ")";
}

#endif // DUPLEX_DIALECT_COMMON_PARAMETERS_TD
